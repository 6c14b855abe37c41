/** The wizard's own pickers for template form widgets (`x-widget`); other fields use the generic form. */
import type { CustomRenderer } from '../form/field-types.ts';
import { ColumnPicker } from './ColumnPicker.tsx';
import { ColumnsPicker } from './ColumnsPicker.tsx';
import { MappingEditor } from './MappingEditor.tsx';
import { TablePicker } from './TablePicker.tsx';

export const wizardFields: CustomRenderer = (p) => {
  switch (p.schema['x-widget']) {
    case 'table':
      return <TablePicker {...p} />;
    case 'column':
      return <ColumnPicker {...p} />;
    case 'columns':
      return <ColumnsPicker {...p} />;
    case 'mapping':
      return <MappingEditor {...p} />;
    default:
      return undefined;
  }
};
