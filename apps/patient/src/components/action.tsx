import { useState } from 'react';
import { Toast } from 'antd-mobile';
import { ApiError } from '../api';
import { errorText } from './common';

/** Why a patient's action failed: the message in the current language and the API's stable code. */
export interface ActionFailure {
  text: string;
  code: string;
  /** The problem's details (e.g. the reason a refund is sent to the counter), when the API gave any. */
  details?: unknown;
}

export function failureOf(err: unknown): ActionFailure {
  if (err instanceof ApiError) return { text: errorText(err), code: err.code, details: err.details };
  return { text: errorText(err), code: 'ERROR' };
}

/**
 * The buttons of one screen (pay, cancel, bind, …): which one is running, so it shows a spinner and
 * a second tap waits, and why the last one failed.
 *
 * `run(name, f)` clears the last failure, marks `name` busy, runs `f`, keeps its failure (or shows it
 * as a toast with `show: 'toast'`), then runs `after` (e.g. refetching what the action changed) even
 * when it failed.
 */
export function usePatientAction(opts: { show?: 'inline' | 'toast'; after?: () => unknown } = {}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ActionFailure | null>(null);
  const run = async (name: string, f: () => Promise<unknown>): Promise<void> => {
    setError(null);
    setBusy(name);
    try {
      await f();
    } catch (err) {
      const failure = failureOf(err);
      if (opts.show === 'toast') Toast.show({ content: failure.text });
      else setError(failure);
    } finally {
      setBusy(null);
      await opts.after?.();
    }
  };
  return {
    /** The name of the action running now, or null. */
    busy,
    /** Why the last action failed, or null. */
    error,
    run,
    /** Shows a refusal the page found itself (e.g. an amount that is not a number). */
    refuse: (text: string) => setError({ text, code: 'INVALID_INPUT' }),
    clear: () => setError(null),
  };
}

/** The last action's failure under the form (role alert, for screen readers and tests), or nothing. */
export function ActionError(props: { error: ActionFailure | null; testId: string; className?: string }) {
  if (!props.error) return null;
  return (
    <div className={props.className ?? 'form-error padded-x'} role="alert" data-testid={props.testId}>
      {props.error.text}
    </div>
  );
}
