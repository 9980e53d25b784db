package igor.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import igor.config.Limits;
import igor.config.ScheduleSettings;
import igor.domain.DueTimes;
import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.domain.ScheduleDecider;
import igor.domain.ScheduleSpec;
import igor.schedule.CronDueTimes;
import igor.service.ScheduleService;
import igor.service.ScheduleService.ScheduleAnswer;
import igor.service.ScheduleViews;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * /api/v1/schedules: create, list, read, pause, unpause, trigger and delete schedules
 * (docs/semantics.md, "Schedules"). A schedule's job template is checked exactly as POST
 * /api/v1/jobs checks its body.
 */
final class ScheduleRoutes extends AllDirectives {

  /** The body of POST /api/v1/schedules. */
  record CreateSchedule(
      String name,
      String cron,
      String timeZone,
      String overlap,
      String catchUp,
      Integer catchUpLimit,
      JobRequests.CreateJob job) {}

  /** Due times looked at for the minimum interval check. */
  static final int INTERVAL_CHECKED_FIRES = 500;

  private final ScheduleService schedules;
  private final JobRequests requests;
  private final RequestBodies bodies;
  private final Limits limits;
  private final ScheduleSettings settings;
  private final LongSupplier clock;

  ScheduleRoutes(
      ScheduleService schedules,
      JobRequests requests,
      RequestBodies bodies,
      Limits limits,
      ScheduleSettings settings,
      LongSupplier clock) {
    this.schedules = schedules;
    this.requests = requests;
    this.bodies = bodies;
    this.limits = limits;
    this.settings = settings;
    this.clock = clock;
  }

  Route route() {
    return pathPrefix(
        "schedules",
        () ->
            concat(
                pathEnd(() -> concat(post(() -> bodies.json(this::create)), get(this::list))),
                path(
                    PathMatchers.segment(),
                    id ->
                        concat(
                            get(() -> answer(schedules.get(scheduleId(id)))),
                            delete(() -> by(by -> answer(schedules.delete(scheduleId(id), by)))))),
                action("pause", schedules::pause),
                action("unpause", schedules::unpause),
                action("trigger", schedules::trigger)));
  }

  private Route action(
      String name, BiFunction<String, String, CompletionStage<ScheduleAnswer>> act) {
    return path(
        PathMatchers.segment().slash(name),
        id -> post(() -> by(by -> answer(act.apply(scheduleId(id), by)))));
  }

  private Route by(java.util.function.Function<String, Route> inner) {
    return optionalHeaderValueByName(Guard.SUBJECT, subject -> inner.apply(subject.orElse("")));
  }

  private Route create(String body) {
    ScheduleSpec spec = spec(ApiJson.read(body, CreateSchedule.class));
    return answer(schedules.create(spec));
  }

  private Route list() {
    return onComplete(
        schedules.list(),
        done -> {
          if (done.isFailure()) {
            return complete(ApiErrors.of(done.failed().get()));
          }
          return complete(
              ApiJson.response(
                  200, Map.of("schedules", done.get().stream().map(ScheduleViews::of).toList())));
        });
  }

  /** The schedule asked for, checked whole: the first problem is the answer. */
  ScheduleSpec spec(CreateSchedule request) {
    String name = request.name() == null ? "" : request.name();
    if (request.cron() == null || request.cron().isBlank()) {
      throw ApiException.badRequest("field 'cron' is required: the schedule's cron expression");
    }
    String zone =
        request.timeZone() == null || request.timeZone().isBlank() ? "UTC" : request.timeZone();
    DueTimes times;
    try {
      times = CronDueTimes.of(request.cron(), zone);
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().startsWith("unknown time zone") ? "time_zone" : "cron";
      throw ApiException.badRequest("field '" + field + "': " + e.getMessage());
    }
    checkInterval(times);
    ScheduleSpec.Overlap overlap =
        choice("overlap", request.overlap(), ScheduleSpec.Overlap.class, ScheduleSpec.Overlap.SKIP);
    ScheduleSpec.CatchUp catchUp =
        choice(
            "catch_up", request.catchUp(), ScheduleSpec.CatchUp.class, ScheduleSpec.CatchUp.NONE);
    int catchUpLimit = request.catchUpLimit() == null ? 0 : request.catchUpLimit();
    if (catchUpLimit < 0 || catchUpLimit > settings.maxCatchUp()) {
      throw ApiException.badRequest(
          "field 'catch_up_limit' must be between 0 and "
              + settings.maxCatchUp()
              + " (igor.schedules.max-catch-up), got "
              + catchUpLimit);
    }
    if (catchUp == ScheduleSpec.CatchUp.ALL && catchUpLimit == 0) {
      throw ApiException.badRequest(
          "field 'catch_up_limit' is required with catch_up 'all': how many missed fires to make"
              + " up");
    }
    if (request.job() == null) {
      throw ApiException.badRequest(
          "field 'job' is required: the job to fire, as the body of POST /api/v1/jobs");
    }
    int templateBytes = templateBytes(request.job());
    if (templateBytes > settings.maxTemplateBytes()) {
      throw new ApiException(
          413,
          "field 'job' is "
              + templateBytes
              + " bytes, over the limit of "
              + settings.maxTemplateBytes()
              + " (igor.schedules.max-template-bytes)");
    }
    JobPlan template;
    try {
      template = requests.toPlan(request.job());
    } catch (ApiException e) {
      throw new ApiException(e.status(), e.getMessage().replace("field '", "field 'job."));
    }
    String base = template.name().isEmpty() ? name : template.name();
    String firedName = ScheduleDecider.jobName(base, clock.getAsLong());
    if (firedName.length() > limits.maxNameLength()) {
      throw ApiException.badRequest(
          "field 'job.name' (or 'name') is too long: a fired job is named '"
              + firedName
              + "', "
              + firedName.length()
              + " characters, over the limit of "
              + limits.maxNameLength()
              + " (igor.limits.max-name-length)");
    }
    if (name.length() > limits.maxNameLength()) {
      throw ApiException.badRequest(
          "field 'name' is over the limit of "
              + limits.maxNameLength()
              + " characters (igor.limits.max-name-length)");
    }
    return new ScheduleSpec(
        name, request.cron().trim(), zone, template, overlap, catchUp, catchUpLimit);
  }

  /** Due times closer than igor.schedules.min-interval, or none at all, are refused. */
  private void checkInterval(DueTimes times) {
    long min = settings.minInterval().toMillis();
    OptionalLong previous = times.nextAfter(clock.getAsLong());
    if (previous.isEmpty()) {
      throw ApiException.badRequest("field 'cron': the expression has no due time from now on");
    }
    for (int i = 0; i < INTERVAL_CHECKED_FIRES; i++) {
      OptionalLong next = times.nextAfter(previous.getAsLong());
      if (next.isEmpty()) {
        return;
      }
      if (next.getAsLong() - previous.getAsLong() < min) {
        throw ApiException.badRequest(
            "field 'cron': due times "
                + (next.getAsLong() - previous.getAsLong())
                + " ms apart, under the minimum of "
                + min
                + " ms (igor.schedules.min-interval)");
      }
      previous = next;
    }
  }

  private static <E extends Enum<E>> E choice(
      String field, String value, Class<E> type, E otherwise) {
    if (value == null || value.isEmpty()) {
      return otherwise;
    }
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "field '"
              + field
              + "' must be one of "
              + java.util.Arrays.stream(type.getEnumConstants())
                  .map(c -> "'" + c.name().toLowerCase(Locale.ROOT) + "'")
                  .toList()
              + ", got '"
              + value
              + "'");
    }
  }

  private static int templateBytes(JobRequests.CreateJob job) {
    try {
      return ApiJson.MAPPER.writeValueAsString(job).getBytes(StandardCharsets.UTF_8).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String scheduleId(String id) {
    if (!Identifiers.isId(id)) {
      throw ApiException.badRequest("schedule id must be a lowercase UUID, got '" + id + "'");
    }
    return id;
  }

  private Route answer(CompletionStage<ScheduleAnswer> result) {
    return Answers.of(result, ScheduleAnswer::rejection, ScheduleViews::of);
  }
}
