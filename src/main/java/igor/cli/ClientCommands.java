package igor.cli;

import igor.client.Action;
import igor.client.IgorClient;
import igor.client.Job;
import igor.client.Layer;
import igor.client.ListFilter;
import igor.client.Ref;
import igor.client.Status;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The subcommands of `igor` that use the HTTP API through {@link IgorClient}. */
final class ClientCommands {
  private ClientCommands() {}

  /** What every client subcommand shares: its options, its output, its client. */
  abstract static class Base implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    Printer printer() {
      return new Printer(out());
    }

    ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }
  }

  enum Kind {
    job,
    layer,
    task
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Create a job from a file holding the body of POST /api/v1/jobs ('-': stdin).")
  static final class Submit extends Base {
    @Parameters(paramLabel = "FILE", description = "The job as API v1 JSON, or - for stdin.")
    String file;

    @Option(
        names = "--start-at",
        paramLabel = "TIME",
        description =
            "Start the job at this time (unix seconds or an ISO-8601 instant such as"
                + " 2026-12-24T06:00:00Z) rather than at once: it waits PENDING until then.")
    String startAt;

    @Option(
        names = "--start-after",
        paramLabel = "DELAY",
        description =
            "Start the job this long after it is created (seconds, or 90s, 15m, 2h, 1d) rather"
                + " than at once.")
    String startAfter;

    @Option(
        names = "--idempotency-key",
        paramLabel = "KEY",
        description =
            "Create the job at most once per KEY (header Idempotency-Key; visible ASCII, at most"
                + " 255 characters by default): running the command again with the same KEY"
                + " answers the job created first. Default: a new random key, reused only by this"
                + " command's own retries.")
    String idempotencyKey;

    @Option(
        names = "--urgency",
        paramLabel = "N",
        description =
            "The job's urgency, 1 to 5 (3 by default): on a type under flow control, urgent"
                + " jobs' tasks start before earlier normal jobs' waiting tasks"
                + " (docs/flow-control.md). Replaces an urgency the file gives the job.")
    Integer urgency;

    @Override
    public Integer call() throws IOException {
      String json =
          file.equals("-")
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : read(file);
      if (startAt != null && startAfter != null) {
        throw usage("give --start-at or --start-after, not both");
      }
      try {
        if (startAt != null) {
          json = withStart(json, "start_at", unixSeconds(startAt));
        } else if (startAfter != null) {
          json = withStart(json, "start_after", delaySeconds(startAfter));
        }
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      if (urgency != null) {
        if (urgency < 1 || urgency > 5) {
          throw usage("--urgency must be from 1 to 5, got " + urgency);
        }
        com.fasterxml.jackson.databind.node.ObjectNode job = jobObject(json, "given an urgency");
        job.put("urgency", urgency.intValue());
        json = JSON.writeValueAsString(job);
      }
      Job job =
          idempotencyKey == null
              ? options.client().create(json)
              : options.client().create(json, idempotencyKey);
      if (options.json()) {
        printer().json(job);
      } else {
        printer().job(job);
      }
      return ExitCodes.OK;
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * The job's JSON with its start set by an option: the option replaces a start the file names
   * (either field, in any case).
   */
  static String withStart(String json, String field, long seconds) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode job = jobObject(json, "given a start time");
    List<String> starts = new ArrayList<>();
    job.fieldNames()
        .forEachRemaining(
            name -> {
              if (name.equalsIgnoreCase("start_at") || name.equalsIgnoreCase("start_after")) {
                starts.add(name);
              }
            });
    job.remove(starts);
    job.put(field, seconds);
    return JSON.writeValueAsString(job);
  }

  /** The job's JSON as an object, to be changed by an option ({@code what}: for the error). */
  private static com.fasterxml.jackson.databind.node.ObjectNode jobObject(String json, String what)
      throws IOException {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("the job is not JSON: " + e.getOriginalMessage(), e);
    }
    if (!(root instanceof com.fasterxml.jackson.databind.node.ObjectNode job)) {
      throw new IOException("the job must be a JSON object to be " + what);
    }
    return job;
  }

  private static long unixSeconds(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException notSeconds) {
      try {
        return Instant.parse(text.trim()).getEpochSecond();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--start-at must be unix seconds or an ISO-8601 instant, got '" + text + "'");
      }
    }
  }

  /** Seconds of "90", "90s", "15m", "2h", "1d" or an ISO-8601 duration ("PT15M"). */
  static long delaySeconds(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT)).toSeconds();
      }
      long unit =
          switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            default -> 0;
          };
      String number = unit == 0 ? t : t.substring(0, t.length() - 1);
      return Math.multiplyExact(Long.parseLong(number), unit == 0 ? 1 : unit);
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "--start-after must be seconds or a duration such as 90s, 15m, 2h, 1d, got '"
              + text
              + "'");
    }
  }

  /** The file's text, or an IOException whose message says what is wrong with it. */
  static String read(String file) throws IOException {
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new IOException("not a file but a directory: " + file);
    }
    try {
      return Files.readString(path);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("file not found: " + file, e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException("file not readable (permission denied): " + file, e);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException("file is not UTF-8 text: " + file, e);
    } catch (IOException e) {
      throw new IOException("file could not be read: " + file + " (" + e + ")", e);
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Show one job (whole, with its layers and tasks), layer or task.")
  static final class Get extends Base {
    @Parameters(index = "0", paramLabel = "KIND", description = "job, layer or task")
    Kind kind;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      IgorClient client = options.client();
      Printer p = printer();
      switch (kind) {
        case job -> {
          Job j = client.job(id);
          if (options.json()) p.json(j);
          else p.job(j);
        }
        case layer -> {
          Layer l = client.layer(id);
          if (options.json()) p.json(l);
          else p.layer(l);
        }
        case task -> {
          igor.client.Task t = client.task(id);
          if (options.json()) p.json(t);
          else p.task(t);
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = {
        "List jobs, layers or tasks, newest first, from the read model.",
        "Times are unix seconds or ISO-8601 instants (2024-05-01T12:00:00Z) and strict."
      })
  static final class Ls extends Base {
    enum What {
      jobs,
      layers,
      tasks
    }

    @Parameters(paramLabel = "WHAT", description = "jobs, layers or tasks")
    What what;

    @Option(
        names = "--status",
        split = ",",
        description = "Only these statuses (repeatable or comma-separated).")
    List<String> statuses = new ArrayList<>();

    @Option(names = "--job", split = ",", description = "Only these jobs' objects.")
    List<String> jobs = new ArrayList<>();

    @Option(
        names = "--layer",
        split = ",",
        description = "Only these layers or their tasks (layers, tasks).")
    List<String> layers = new ArrayList<>();

    @Option(names = "--task", split = ",", description = "Only these tasks (tasks).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--type", split = ",", description = "Only tasks of these types (tasks).")
    List<String> types = new ArrayList<>();

    @Option(names = "--name", description = "Only objects of exactly this name.")
    String name;

    @Option(names = "--limit", description = "At most this many (default 1000).")
    Integer limit;

    @Option(names = "--offset", description = "Skip this many first.")
    Integer offset;

    @Option(names = "--created-after", paramLabel = "TIME", description = "Created after TIME.")
    String createdAfter;

    @Option(names = "--created-before", paramLabel = "TIME", description = "Created before TIME.")
    String createdBefore;

    @Option(
        names = "--updated-after",
        paramLabel = "TIME",
        description = "Last changed after TIME.")
    String updatedAfter;

    @Option(
        names = "--updated-before",
        paramLabel = "TIME",
        description = "Last changed before TIME.")
    String updatedBefore;

    @Override
    public Integer call() {
      if (what == What.jobs && !layers.isEmpty()) {
        throw usage("--layer filters layers and tasks, not jobs");
      }
      if (what != What.tasks && (!tasks.isEmpty() || !types.isEmpty())) {
        throw usage("--task and --type filter tasks only");
      }
      ListFilter filter =
          ListFilter.all()
              .jobs(jobs)
              .layer(layers.toArray(String[]::new))
              .task(tasks.toArray(String[]::new))
              .types(types.toArray(String[]::new))
              .name(name);
      for (String s : statuses) {
        filter.statuses(Status.valueOf(status(s)));
      }
      if (limit != null) filter.limit(limit);
      if (offset != null) filter.offset(offset);
      if (createdAfter != null) filter.createdAfter(seconds("--created-after", createdAfter));
      if (createdBefore != null) filter.createdBefore(seconds("--created-before", createdBefore));
      if (updatedAfter != null) filter.updatedAfter(seconds("--updated-after", updatedAfter));
      if (updatedBefore != null) filter.updatedBefore(seconds("--updated-before", updatedBefore));
      IgorClient client = options.client();
      Printer p = printer();
      switch (what) {
        case jobs -> {
          List<Job> found = client.jobs(filter);
          if (options.json()) p.json(found);
          else p.jobs(found);
        }
        case layers -> {
          List<Layer> found = client.layers(filter);
          if (options.json()) p.json(found);
          else p.layers(found);
        }
        case tasks -> {
          List<igor.client.Task> found = client.tasks(filter);
          if (options.json()) p.json(found);
          else p.tasks(found);
        }
      }
      return ExitCodes.OK;
    }

    private String status(String text) {
      String upper = text.trim().toUpperCase(Locale.ROOT);
      for (Status s : Status.values()) {
        if (s.name().equals(upper)) {
          return upper;
        }
      }
      throw usage(
          "--status must be one of "
              + java.util.Arrays.toString(Status.values())
              + ", got '"
              + text
              + "'");
    }

    private long seconds(String option, String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException notSeconds) {
        try {
          return Instant.parse(text.trim()).getEpochSecond();
        } catch (DateTimeParseException e) {
          throw usage(option + " must be unix seconds or an ISO-8601 instant, got '" + text + "'");
        }
      }
    }
  }

  /** pause, unpause, skip, kill and retry: one class, one instance per action. */
  @Command(mixinStandardHelpOptions = true)
  static final class Act extends Base {
    private final Action action;

    @Parameters(index = "0", paramLabel = "KIND", description = "job, layer or task")
    Kind kind;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "ID",
        description = "Ids; ID@ETAG acts only if the object is still at that etag.")
    List<String> ids;

    Act(Action action) {
      this.action = action;
    }

    @Override
    public Integer call() {
      List<Ref> refs = new ArrayList<>();
      for (String id : ids) {
        int at = id.indexOf('@');
        Ref.Kind k = Ref.Kind.parse(kind.name());
        refs.add(
            at < 0 ? new Ref(k, id, "") : new Ref(k, id.substring(0, at), id.substring(at + 1)));
      }
      int updated = options.client().act(action, refs);
      if (options.json()) {
        printer().json(Map.of("updated", updated));
      } else {
        out().println("updated " + updated);
        out().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "audit",
      mixinStandardHelpOptions = true,
      description = "The actions people took on a job, oldest first.")
  static final class Audit extends Base {
    @Parameters(paramLabel = "JOB")
    String jobId;

    @Override
    public Integer call() {
      List<igor.client.AuditEntry> entries = options.client().audit(jobId);
      if (options.json()) {
        printer().json(entries);
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"AT", "ACTION", "KIND", "ID", "BY"});
      for (igor.client.AuditEntry e : entries) {
        rows.add(
            new String[] {
              Instant.ofEpochSecond(e.at()).toString(), e.action(), e.kind(), e.id(), e.by()
            });
      }
      printer().table(rows);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "results",
      mixinStandardHelpOptions = true,
      description = {
        "The tasks of a job's layers of one name, with their status, result and message.",
        "Results are shown as UTF-8 text when they are, else as their size.",
        "-o json gives every task, its result in base64."
      })
  static final class Results extends Base {
    private static final int SHOWN_CHARS = 60;

    @Parameters(index = "0", paramLabel = "JOB")
    String jobId;

    @Parameters(index = "1", paramLabel = "LAYER", description = "the layer's name")
    String layer;

    @Override
    public Integer call() {
      List<igor.client.LayerResult> all = new ArrayList<>();
      options.client().results(jobId, layer).forEach(all::add);
      if (options.json()) {
        printer().json(all);
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TASK", "NAME", "STATUS", "RESULT", "MESSAGE"});
      for (igor.client.LayerResult r : all) {
        rows.add(
            new String[] {r.taskId(), r.name(), r.status().name(), shown(r.result()), r.message()});
      }
      printer().table(rows);
      return ExitCodes.OK;
    }

    /**
     * The result as one line of text when it is UTF-8 without control characters, else its size.
     */
    static String shown(byte[] result) {
      if (result.length == 0) {
        return "";
      }
      java.nio.charset.CharsetDecoder utf8 =
          java.nio.charset.StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
      String text;
      try {
        text = utf8.decode(java.nio.ByteBuffer.wrap(result)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        return "(" + result.length + " bytes)";
      }
      if (text.chars().anyMatch(Character::isISOControl)) {
        return "(" + result.length + " bytes)";
      }
      return text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS - 3) + "..." : text;
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = {
        "Show a job's progress, layer by layer, until it ends (reads it every --interval).",
        "Exits 0 when it ends COMPLETED or SKIPPED, 5 when ERRORED or KILLED."
      })
  static final class Watch extends Base {
    @Parameters(paramLabel = "JOB")
    String jobId;

    @Option(
        names = "--interval",
        defaultValue = "1s",
        description = "Time between reads: 1s, 500ms (default ${DEFAULT-VALUE}).")
    String interval;

    @Override
    public Integer call() throws InterruptedException {
      Duration every = duration(interval);
      IgorClient client = options.client();
      PrintWriter out = out();
      boolean redraw = System.console() != null && !options.json();
      List<String> shown = List.of();
      while (true) {
        Job job = client.job(jobId);
        List<String> lines = new ArrayList<>();
        lines.add(
            Printer.bar(
                "job " + (job.name().isEmpty() ? job.id() : job.name()),
                job.counts(),
                job.status(),
                30));
        for (Layer l : job.layers()) {
          lines.add(
              Printer.bar(
                  "  " + (l.name().isEmpty() ? "priority " + l.priority() : l.name()),
                  l.counts(),
                  l.status(),
                  30));
        }
        if (!options.json() && !lines.equals(shown)) {
          if (redraw && !shown.isEmpty()) {
            out.print("\033[" + shown.size() + "A\033[J");
          }
          lines.forEach(out::println);
          if (!redraw) {
            out.println();
          }
          out.flush();
          shown = lines;
        }
        if (job.isFinished()) {
          if (options.json()) {
            printer().json(job);
          }
          return job.status().isDone() ? ExitCodes.OK : ExitCodes.JOB_FAILED;
        }
        Thread.sleep(every.toMillis());
      }
    }

    private Duration duration(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.endsWith("ms"))
          return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        if (t.endsWith("s"))
          return Duration.ofMillis(
              (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        return Duration.ofSeconds(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw usage("--interval must be like 1s or 500ms, got '" + text + "'");
      }
    }
  }
}
