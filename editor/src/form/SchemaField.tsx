import type { ReactNode } from 'react';
import type { CustomRenderer, FieldProps } from './field-types.ts';
import { TextInput } from './TextInput.tsx';
import { NumberInput } from './NumberInput.tsx';
import { IntOrExprInput } from './IntOrExprInput.tsx';
import { CheckboxInput } from './CheckboxInput.tsx';
import { EnumSelect } from './EnumSelect.tsx';
import { ListInput } from './ListInput.tsx';
import { JsonInput } from './JsonInput.tsx';
import { LiteralInput } from './LiteralInput.tsx';
import { CodeInput } from './CodeInput.tsx';
import { KeyValueField } from './KeyValueEditor.tsx';
import { ConnectionSelect } from './ConnectionSelect.tsx';
import { ConnectionsPicker } from './ConnectionsPicker.tsx';
import { TableInput } from './TableInput.tsx';
import { ObjectFields } from './ObjectFields.tsx';
import { ObjectList } from './ObjectList.tsx';
import { SecretField } from './SecretField.tsx';

/** the control for a field's kind; a value of another shape than expected falls back to JSON */
export function SchemaField(props: FieldProps & { custom?: CustomRenderer }): ReactNode {
  const { custom, ...p } = props;
  const own = custom?.(p);
  if (own !== undefined) return own;
  const v = p.value;
  if (p.sensitive && (typeof v === 'string' || v === undefined || v === null)) return <SecretField {...p} />;
  switch (p.kind) {
    case 'string':
    case 'password':
    case 'timezone':
      return typeof v === 'string' || v === undefined ? <TextInput {...p} /> : <JsonInput {...p} />;
    case 'expression':
      return typeof v === 'string' || v === undefined ? <TextInput {...p} /> : <JsonInput {...p} />;
    case 'code':
    case 'sql':
      return <CodeInput {...p} />;
    case 'integer':
    case 'number':
      return typeof v === 'number' || v === undefined ? <NumberInput {...p} /> : <IntOrExprInput {...p} />;
    case 'int-or-expr':
      return <IntOrExprInput {...p} />;
    case 'boolean':
      return <CheckboxInput {...p} />;
    case 'enum':
      return <EnumSelect {...p} />;
    case 'number-list':
    case 'string-list':
    case 'columns':
      return Array.isArray(v) || typeof v === 'string' || v === undefined ? <ListInput {...p} kind={p.kind === 'columns' ? 'string-list' : p.kind} /> : <JsonInput {...p} />;
    case 'keyvalue':
    case 'mapping':
      return <KeyValueField {...p} />;
    case 'object':
      return <ObjectFields {...p} />;
    case 'object-list':
      return <ObjectList {...p} />;
    case 'connection':
      return <ConnectionSelect {...p} />;
    case 'connections':
      return <ConnectionsPicker {...p} />;
    case 'table':
    case 'column':
      return <TableInput {...p} />;
    case 'json':
      return <JsonInput {...p} />;
    case 'literal':
      return <LiteralInput {...p} />;
  }
}
