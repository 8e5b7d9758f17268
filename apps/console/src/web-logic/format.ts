/** How the page writes numbers and times; every function is pure so the page reads the same everywhere. */

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** Shown where a figure cannot be known yet. */
export const UNKNOWN = '—';

/** 12345 → "12,345". */
export function formatCount(value: number): string {
  return counts.format(value);
}

/** Events per second with one decimal: 2.345 → "2.3/s". */
export function formatRate(perSecond: number | undefined): string {
  return perSecond === undefined || !Number.isFinite(perSecond)
    ? UNKNOWN
    : `${oneDecimal.format(perSecond)}/s`;
}

/** A figure with one decimal; a topic with no baseline has an infinite (or missing) ratio. */
export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '∞'
    : oneDecimal.format(value);
}

/** A clock time in the reader's zone (or the one given, for tests): "14:03:12". */
export function formatClock(epochMs: number, timeZone?: string): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false, timeZone });
}

/** Hours and minutes in the reader's zone (or the one given, for tests): "14:03". */
export function formatHourMinute(epochMs: number, timeZone?: string): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  });
}

/** A date and time, for moments that may be days old: "2 Mar 14:03". */
export function formatDateTime(epochMs: number, timeZone?: string): string {
  return new Date(epochMs).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  });
}

/** How long ago, coarsely: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(epochMs: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
