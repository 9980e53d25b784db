package igor.cli;

import igor.client.IgorException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The exit codes of the client subcommands, for scripts (documented in docs/client.md): 0 done, 1
 * usage (bad options, unreadable file), 2 not found (404), 3 refused by Igor (400, 409, 413), 4
 * Igor unavailable (503, not reachable, time-out), 5 the watched job ended ERRORED or KILLED, 6 any
 * other error.
 */
final class ExitCodes {
  static final int OK = 0;
  static final int USAGE = 1;
  static final int NOT_FOUND = 2;
  static final int REFUSED = 3;
  static final int UNAVAILABLE = 4;
  static final int JOB_FAILED = 5;
  static final int ERROR = 6;

  private ExitCodes() {}

  static int of(IgorException e) {
    if (e instanceof IgorException.NotFound) {
      return NOT_FOUND;
    }
    if (e instanceof IgorException.BadRequest
        || e instanceof IgorException.Conflict
        || e instanceof IgorException.TooLarge) {
      return REFUSED;
    }
    if (e instanceof IgorException.Unavailable || e instanceof IgorException.TimedOut) {
      return UNAVAILABLE;
    }
    return ERROR;
  }

  /** Prints what went wrong on stderr, in one line, and answers the exit code. */
  static CommandLine.IExecutionExceptionHandler handler() {
    return (e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof IgorException igor) {
        err.println("igor: " + igor.getMessage());
        return of(igor);
      }
      if (e instanceof java.io.IOException io) {
        err.println("igor: " + io.getMessage());
        return USAGE;
      }
      err.println("igor: " + e);
      return ERROR;
    };
  }
}
