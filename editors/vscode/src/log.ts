// The daemon's stderr log into the output channel at each line's own level.
// vscode-languageclient would record every stderr line as an error; the
// daemon writes spdlog's default format there instead:
//   [2025-01-02 10:11:12.345] [switchboard] [info] [stdio] initialize from ...
// No `vscode` import here, so it runs under node's test runner.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  /** The message, without spdlog's time, logger name and level (the channel adds its own). */
  message: string;
}

const LEVELS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  critical: 'error',
};

// Time, logger name, level; the colour codes a terminal would get, if any.
const SPDLOG = /^\[[^\]]*\] \[[^\]]*\] \[(\w+)\] ?(.*)$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Parses one stderr line. A line not in the log format (the rest of a
 * multi-line message, a crash report) keeps the level of the line before
 * it, or is an error when nothing came before.
 */
export function parseLogLine(line: string, previous?: LogLevel): LogLine {
  const plain = line.replace(ANSI, '');
  const m = SPDLOG.exec(plain);
  const level = m ? LEVELS[m[1].toLowerCase()] : undefined;
  if (m && level) return { level, message: m[2] };
  return { level: previous ?? 'error', message: plain };
}

/** The part of a LogOutputChannel this needs. */
export interface LevelledLog {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A line sink that writes each line to `log` at its parsed level. */
export function logRouter(log: LevelledLog): (line: string) => void {
  let previous: LogLevel | undefined;
  return (line) => {
    const parsed = parseLogLine(line, previous);
    previous = parsed.level;
    log[parsed.level](parsed.message);
  };
}
