package igor.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import igor.domain.JobPlan;
import igor.domain.TaskPlan;
import igor.service.IdempotentJobs;
import igor.service.JobService;
import igor.service.JobService.JobAnswer;
import igor.service.JobService.TasksAnswer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The header {@value #HEADER} of POST /api/v1/jobs and POST /api/v1/tasks (docs/semantics.md,
 * "Idempotent submits"): checked, scoped to the caller's subject and the route, and handed with a
 * fingerprint of the normalised request (the body as read, written back without spacing, unknown
 * order or defaults) to {@link IdempotentJobs}. Without the header a submit is not idempotent, as
 * in the original Igor.
 */
final class IdempotentSubmits extends AllDirectives {
  static final String HEADER = "Idempotency-Key";

  /** A checked key, and the scope it lives in: the route and the caller's subject. */
  record Key(String scope, String value) {}

  private final JobService jobs;
  private final IdempotentJobs idempotent;
  private final int maxKeyLength;

  IdempotentSubmits(JobService jobs, IdempotentJobs idempotent, int maxKeyLength) {
    this.jobs = jobs;
    this.idempotent = idempotent;
    this.maxKeyLength = maxKeyLength;
  }

  /** The request's key, if it sends one, checked (400 naming the limit) before its body is read. */
  Route key(String route, Function<Optional<Key>, Route> inner) {
    return optionalHeaderValueByName(
        HEADER,
        value ->
            optionalHeaderValueByName(
                Guard.SUBJECT,
                subject ->
                    inner.apply(
                        value.map(v -> new Key(route + ":" + subject.orElse(""), checked(v))))));
  }

  CompletionStage<JobAnswer> create(
      Optional<Key> key, JobRequests.CreateJob request, JobPlan plan) {
    if (key.isEmpty()) {
      return jobs.create(plan);
    }
    return idempotent.create(key.get().scope(), key.get().value(), fingerprint(request), plan);
  }

  CompletionStage<TasksAnswer> addTasks(
      Optional<Key> key, List<JobRequests.AddTask> request, List<TaskPlan> plans) {
    if (key.isEmpty()) {
      return jobs.addTasks(plans);
    }
    return idempotent.addTasks(key.get().scope(), key.get().value(), fingerprint(request), plans);
  }

  /** 1 to max-key-length characters of visible ASCII: no spaces, controls, NUL or non-ASCII. */
  private String checked(String key) {
    if (key.isEmpty()) {
      throw ApiException.badRequest(
          "header '" + HEADER + "' is empty: send a unique key, e.g. a random UUID, or no header");
    }
    if (key.length() > maxKeyLength) {
      throw ApiException.badRequest(
          "header '"
              + HEADER
              + "' is "
              + key.length()
              + " characters, over the limit of "
              + maxKeyLength
              + " (igor.idempotency.max-key-length)");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw ApiException.badRequest(
            "header '"
                + HEADER
                + "' may hold only visible ASCII characters (0x21 to 0x7E, no spaces), found"
                + String.format(" U+%04X at position %d", (int) c, i));
      }
    }
    return key;
  }

  /** SHA-256 of the request as read, written back in its one normal form. */
  private static String fingerprint(Object request) {
    try {
      return IdempotentJobs.fingerprint(ApiJson.MAPPER.writeValueAsBytes(request));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a request read could not be written back", e);
    }
  }
}
