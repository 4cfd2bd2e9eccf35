// The package's CommonJS entry: `const ShikaCreators = require('shikacreators')` is the class
// itself (as with stripe-node); the error classes and `webhooks` are its static properties
// (`ShikaCreators.InvalidRequestError`, `ShikaCreators.webhooks`) and the types live in its
// namespace (`ShikaCreators.Customer`).

import { ShikaCreators } from './client.js';

export = ShikaCreators;
