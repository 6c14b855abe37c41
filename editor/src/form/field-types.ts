/** What every form control gets. */
import type { ReactNode } from 'react';
import type { JsonSchema } from '../api/types.ts';
import type { FieldKind } from '../lib/schema.ts';

export interface FieldProps {
  /** input name, also the field's test id */
  name: string;
  schema: JsonSchema;
  kind: FieldKind;
  value: unknown;
  /** `undefined` removes the field */
  onChange(value: unknown): void;
  invalid: boolean;
  required: boolean;
  /** every value of the form (pickers read their sibling fields, e.g. the connection) */
  values: Record<string, unknown>;
  /** connection types a `connection` field accepts */
  connectionTypes?: string[];
  sensitive?: boolean;
  /** renders the form of an object inside this field (object fields, list items) */
  nested?: NestedForm;
}

/**
 * A form of an object schema inside a field: SchemaForm hands itself down this way, so the
 * controls that hold nested forms need not import it (no import cycle).
 */
export type NestedForm = (props: {
  idPrefix: string;
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(next: Record<string, unknown>): void;
}) => ReactNode;

/** renders a control for kinds only its context knows (template pickers); undefined = default */
export type CustomRenderer = (props: FieldProps) => ReactNode | undefined;
