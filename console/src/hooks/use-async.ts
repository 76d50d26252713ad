import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** loads again, keeping the current data on screen until the new answer arrives */
  reload: () => void;
}

/**
 * Runs `load` when `deps` change, aborting the previous run, so a page never shows an answer to a
 * question it no longer asks (a fast click through pages, a filter changed mid-request).
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [generation, setGeneration] = useState(0);
  const keep = useRef(false);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ data: keep.current ? s.data : undefined, error: undefined, loading: true }));
    keep.current = false;
    load(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!ctl.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  const reload = useCallback(() => {
    keep.current = true;
    setGeneration((g) => g + 1);
  }, []);
  return { ...state, reload };
}
