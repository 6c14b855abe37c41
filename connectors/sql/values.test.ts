/** The read rules every dialect shares: date-time text to ISO UTC, numeric text to a number where exact. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactNumber, isoFromWallText, isoFromZonedText, utcWallText } from './values.ts';

test('exactNumber: numbers where a double means exactly that value (|n| ≤ 2^53), the text beyond', () => {
  assert.equal(exactNumber('0'), 0);
  assert.equal(exactNumber('42'), 42);
  assert.equal(exactNumber('-42'), -42);
  assert.equal(exactNumber('9007199254740992'), 2 ** 53);
  assert.equal(exactNumber('-9007199254740992'), -(2 ** 53));
  assert.equal(exactNumber('9007199254740993'), '9007199254740993');
  assert.equal(exactNumber('-9007199254740993'), '-9007199254740993');
  assert.equal(exactNumber('9223372036854775807'), '9223372036854775807');
  assert.equal(exactNumber('12.50'), 12.5);
  assert.equal(exactNumber('100.00'), 100);
  assert.equal(exactNumber('0.1'), 0.1);
  assert.equal(exactNumber('-0.00'), 0);
  assert.equal(exactNumber('12345678901234567890.0123456789'), '12345678901234567890.0123456789');
  assert.equal(exactNumber('0.12345678901234567890'), '0.12345678901234567890');
  assert.equal(exactNumber('NaN'), 'NaN');
});

test('isoFromWallText: a wall time in UTC as ISO text, six fraction digits (nine for nanoseconds)', () => {
  assert.equal(isoFromWallText('2024-05-01 10:20:30'), '2024-05-01T10:20:30.000000Z');
  assert.equal(isoFromWallText('2024-05-01 10:20:30.1'), '2024-05-01T10:20:30.100000Z');
  assert.equal(isoFromWallText('2024-05-01 10:20:30.123456'), '2024-05-01T10:20:30.123456Z');
  assert.equal(isoFromWallText('2024-05-01 10:20:30.123456789'), '2024-05-01T10:20:30.123456789Z');
  assert.equal(isoFromWallText('infinity'), 'infinity');
});

test('isoFromZonedText: an instant with any offset as ISO UTC, the fraction untouched', () => {
  assert.equal(isoFromZonedText('2024-05-01 10:20:30.000001+00'), '2024-05-01T10:20:30.000001Z');
  assert.equal(isoFromZonedText('2024-05-01 19:20:30.5+09'), '2024-05-01T10:20:30.500000Z');
  assert.equal(isoFromZonedText('2024-01-01 00:00:00.999999+05:30'), '2023-12-31T18:30:00.999999Z');
  assert.equal(isoFromZonedText('2024-05-01 10:20:30.123456000 -03:00'), '2024-05-01T13:20:30.123456Z');
  assert.equal(isoFromZonedText('2024-05-01T10:20:30Z'), '2024-05-01T10:20:30.000000Z');
});

test('utcWallText: an ISO instant as the UTC wall text Oracle’s TO_TIMESTAMP reads', () => {
  assert.equal(utcWallText('2024-05-01T10:20:30.123456Z'), '2024-05-01 10:20:30.123456000');
  assert.equal(utcWallText('2024-05-01T12:20:30.1+02:00'), '2024-05-01 10:20:30.100000000');
  assert.equal(utcWallText('2024-05-01 10:20:30'), undefined);
});
