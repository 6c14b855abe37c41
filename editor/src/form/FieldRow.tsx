import type { ReactNode } from 'react';

export interface FieldRowProps {
  name: string;
  label: string;
  required?: boolean;
  help?: string;
  errors?: string[];
  children: ReactNode;
}

/** label, control, help text and the server's complaints about this field */
export function FieldRow({ name, label, required, help, errors, children }: FieldRowProps) {
  const invalid = errors !== undefined && errors.length > 0;
  return (
    <div className={invalid ? 'field invalid' : 'field'} data-field={name}>
      <label className="field-label">
        {label}
        {required && <span className="req" title="required">*</span>}
      </label>
      {children}
      {help && <div className="field-hint">{help}</div>}
      {invalid &&
        errors.map((e, i) => (
          <div className="field-error" role="alert" data-testid={`field-error-${name}`} key={i}>
            {e}
          </div>
        ))}
    </div>
  );
}
