import type { LiveMode } from '../live/watch-execution.js';

const TEXT: Record<LiveMode, string> = {
  connecting: 'connecting…',
  stream: 'live',
  polling: 'live (polling)',
  ended: 'ended',
};

/** Says how the page stays current: the event stream, polling where the gateway has none, or not at all. */
export function LiveIndicator({ mode }: { mode: LiveMode }) {
  return (
    <span class={`live live-${mode}`} data-live={mode} title={mode === 'polling' ? 'this gateway has no event stream: the page asks again every few seconds' : undefined}>
      <span class="live-dot" aria-hidden="true" />
      {TEXT[mode]}
    </span>
  );
}
