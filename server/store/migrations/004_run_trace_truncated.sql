-- Set when a run's trace hit its caps (steps per run, bytes of step data) and steps were left
-- out: JSON {"steps","keptSteps","keptBytes","maxSteps","maxBytes"}; NULL for a whole trace.
ALTER TABLE runs ADD COLUMN trace_truncated TEXT;
