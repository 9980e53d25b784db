package igor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code igor schedules ...}: schedules through the HTTP API (docs/semantics.md, "Schedules"). */
@Command(
    name = "schedules",
    mixinStandardHelpOptions = true,
    description = "List, create, pause, unpause, trigger and delete schedules (cron jobs).",
    subcommands = {
      ScheduleCommands.Ls.class,
      ScheduleCommands.Show.class,
      ScheduleCommands.Create.class,
      ScheduleCommands.Pause.class,
      ScheduleCommands.Unpause.class,
      ScheduleCommands.Trigger.class,
      ScheduleCommands.Delete.class
    })
final class ScheduleCommands {
  private ScheduleCommands() {}

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "Every schedule, as the JSON of GET /api/v1/schedules.")
  static final class Ls extends ClientCommands.Base {
    @Override
    public Integer call() {
      out().println(options.client().schedulesJson());
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "One schedule, as JSON.")
  static final class Show extends ClientCommands.Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      out().println(options.client().scheduleJson(id));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a schedule from a file holding the body of POST /api/v1/schedules.")
  static final class Create extends ClientCommands.Base {
    @Parameters(paramLabel = "FILE", description = "The schedule as API v1 JSON, or - for stdin.")
    String file;

    @Override
    public Integer call() throws IOException {
      String json =
          file.equals("-")
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : ClientCommands.read(file);
      out().println(options.client().createScheduleJson(json));
      return ExitCodes.OK;
    }
  }

  /** An action on one schedule, printing the schedule after it. */
  abstract static class Action extends ClientCommands.Base {
    @Parameters(paramLabel = "ID")
    String id;

    abstract String action();

    @Override
    public Integer call() {
      out().println(options.client().actOnSchedule(id, action()));
      return ExitCodes.OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop firing.")
  static final class Pause extends Action {
    @Override
    String action() {
      return "pause";
    }
  }

  @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Fire again.")
  static final class Unpause extends Action {
    @Override
    String action() {
      return "unpause";
    }
  }

  @Command(name = "trigger", mixinStandardHelpOptions = true, description = "Fire a job now.")
  static final class Trigger extends Action {
    @Override
    String action() {
      return "trigger";
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete the schedule (its jobs stay).")
  static final class Delete extends Action {
    @Override
    String action() {
      return "delete";
    }
  }
}
