// The package's CommonJS entry: `const ShikaCreators = require('shikacreators')` is the class
// itself (as with stripe-node); the error classes are its static properties
// (`ShikaCreators.InvalidRequestError`) and the types live in its namespace
// (`ShikaCreators.Customer`).

import { ShikaCreators } from './client.js';

export = ShikaCreators;
