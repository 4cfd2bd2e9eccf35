<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * An object the API returned: every field it had, known or not, read as `$customer->email` or
 * `$customer['email']`. Nested JSON objects (`metadata`) are ShikaObjects too; JSON arrays are
 * PHP lists. Read-only: change an object through its service (`customers->update()`).
 *
 * @implements \ArrayAccess<string, mixed>
 * @implements \IteratorAggregate<string, mixed>
 */
class ShikaObject implements \ArrayAccess, \Countable, \IteratorAggregate, \JsonSerializable
{
    /** @var array<string, mixed> */
    private array $values;

    /** @param array<string, mixed> $values field values, already converted (see constructFrom) */
    final public function __construct(array $values = [])
    {
        $this->values = $values;
    }

    /**
     * Converts what `json_decode($body)` returns (JSON objects as stdClass) into objects: a JSON
     * object becomes the class its `object` field names in Operations::OBJECTS (ShikaObject for
     * any other), a JSON array a PHP list, scalars stay as they are.
     */
    public static function constructFrom(mixed $json): mixed
    {
        if (is_array($json)) {
            return array_map([self::class, 'constructFrom'], $json);
        }
        if (!$json instanceof \stdClass) {
            return $json;
        }
        $values = [];
        foreach (get_object_vars($json) as $key => $value) {
            $values[(string) $key] = self::constructFrom($value);
        }
        $type = $values['object'] ?? null;
        $class = is_string($type) ? (Operations::OBJECTS[$type] ?? self::class) : self::class;
        return new $class($values);
    }

    public function __get(string $name): mixed
    {
        return $this->values[$name] ?? null;
    }

    public function __isset(string $name): bool
    {
        return isset($this->values[$name]);
    }

    public function __set(string $name, mixed $value): void
    {
        throw self::readOnly();
    }

    public function __unset(string $name): void
    {
        throw self::readOnly();
    }

    public function offsetExists(mixed $offset): bool
    {
        return isset($this->values[$offset]);
    }

    public function offsetGet(mixed $offset): mixed
    {
        return $this->values[$offset] ?? null;
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        throw self::readOnly();
    }

    public function offsetUnset(mixed $offset): void
    {
        throw self::readOnly();
    }

    /** @return list<string> the names of the fields, as the API sent them */
    public function keys(): array
    {
        return array_keys($this->values);
    }

    /** The number of fields. */
    public function count(): int
    {
        return count($this->values);
    }

    /** Walks the fields: `foreach ($customer->metadata as $key => $value)`. */
    public function getIterator(): \Iterator
    {
        return new \ArrayIterator($this->values);
    }

    /** @return array<string, mixed> the fields as plain PHP arrays, all the way down */
    public function toArray(): array
    {
        return array_map(static fn (mixed $value): mixed => self::plain($value), $this->values);
    }

    /** Encodes as the JSON object the API sent (an empty one stays `{}`). */
    public function jsonSerialize(): \stdClass
    {
        return (object) $this->values;
    }

    public function __toString(): string
    {
        return static::class . ' JSON: '
            . json_encode($this, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /** @return array<string, mixed> what var_dump() and print_r() show: the fields */
    public function __debugInfo(): array
    {
        return $this->values;
    }

    private static function plain(mixed $value): mixed
    {
        if ($value instanceof self) {
            return $value->toArray();
        }
        return is_array($value) ? array_map([self::class, 'plain'], $value) : $value;
    }

    private static function readOnly(): \LogicException
    {
        return new \LogicException('ShikaCreators objects are read-only: change one through its '
            . 'service, e.g. $shikacreators->customers->update($id, [...]).');
    }
}
