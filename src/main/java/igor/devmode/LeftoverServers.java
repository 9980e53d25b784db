package igor.devmode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded servers run in sessions of their own, so they outlive a JVM that was killed. This finds
 * such a server by the process id kept in its data directory and stops it before a new one starts
 * there.
 */
final class LeftoverServers {
  private static final Logger log = LoggerFactory.getLogger(LeftoverServers.class);
  private static final long STOP_WAIT_SECONDS = 30;

  private LeftoverServers() {}

  /**
   * The prefix that runs a command in a new session ({@code setsid}), or nothing where there is no
   * setsid: the server then shares the JVM's process group and gets a terminal's Ctrl-C too.
   */
  static List<String> inOwnSession() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return List.of(candidate);
      }
    }
    return List.of();
  }

  /**
   * Stops the process named on the first line of {@code pidFile} if it is alive and its command
   * contains {@code commandPart}: SIGTERM (Redis writes its data out, PostgreSQL shuts down once
   * its clients are gone, and a dead JVM's are), then SIGKILL after 30 s.
   */
  static void stop(Path pidFile, String commandPart, String name) {
    Optional<ProcessHandle> leftover = readPid(pidFile).flatMap(ProcessHandle::of);
    if (leftover.isEmpty() || !leftover.get().isAlive()) {
      return;
    }
    ProcessHandle process = leftover.get();
    String command = process.info().command().orElse("");
    if (!command.contains(commandPart)) {
      return;
    }
    log.info(
        "stopping the embedded {} left running by an earlier process pid={} dataDir={}",
        name,
        process.pid(),
        pidFile.getParent());
    process.destroy();
    try {
      process.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception stillRunning) {
      process.destroyForcibly();
      try {
        process.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(
            "the embedded " + name + " left running as pid " + process.pid() + " does not stop");
      }
    }
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
