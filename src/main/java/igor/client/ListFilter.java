package igor.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What to list ({@link IgorClient#jobs}, {@link IgorClient#layers}, {@link IgorClient#tasks}): the
 * filters of the list API and a page. Filters of one kind match any of their values; filters of
 * different kinds must all match. Times are strict bounds in unix seconds. A builder: each method
 * changes this filter and returns it.
 *
 * <pre>{@code
 * client.tasks(ListFilter.all().job(jobId).statuses(Status.ERRORED).limit(100))
 * }</pre>
 *
 * <p>Layer ids filter layers and tasks; task ids and types filter tasks only (Igor answers 400 when
 * a list does not take a filter).
 */
public final class ListFilter {
  private final List<String> jobIds = new ArrayList<>();
  private final List<String> layerIds = new ArrayList<>();
  private final List<String> taskIds = new ArrayList<>();
  private final List<Status> statuses = new ArrayList<>();
  private final List<String> types = new ArrayList<>();
  private String name;
  private Long createdAfter;
  private Long createdBefore;
  private Long updatedAfter;
  private Long updatedBefore;
  private Integer limit;
  private int offset;

  private ListFilter() {}

  /** No filter: everything, newest first, the server's default page (1000). */
  public static ListFilter all() {
    return new ListFilter();
  }

  /** Only these jobs' objects. */
  public ListFilter job(String... jobIds) {
    return jobs(Arrays.asList(jobIds));
  }

  /** Only these jobs' objects. */
  public ListFilter jobs(Collection<String> jobIds) {
    this.jobIds.addAll(jobIds);
    return this;
  }

  /** Only these layers or their tasks. */
  public ListFilter layer(String... layerIds) {
    this.layerIds.addAll(Arrays.asList(layerIds));
    return this;
  }

  /** Only these tasks. */
  public ListFilter task(String... taskIds) {
    this.taskIds.addAll(Arrays.asList(taskIds));
    return this;
  }

  /** Only objects in one of these statuses. */
  public ListFilter statuses(Status... statuses) {
    return statuses(Arrays.asList(statuses));
  }

  /** Only objects in one of these statuses. */
  public ListFilter statuses(Collection<Status> statuses) {
    this.statuses.addAll(statuses);
    return this;
  }

  /** Only tasks of these types. */
  public ListFilter types(String... types) {
    this.types.addAll(Arrays.asList(types));
    return this;
  }

  /** Only objects of exactly this name. */
  public ListFilter name(String name) {
    this.name = name;
    return this;
  }

  /** Only objects created after this second (unix seconds, strict). */
  public ListFilter createdAfter(long seconds) {
    this.createdAfter = seconds;
    return this;
  }

  /** Only objects created after this instant (its second, strict). */
  public ListFilter createdAfter(Instant instant) {
    return createdAfter(instant.getEpochSecond());
  }

  /** Only objects created before this second (unix seconds, strict). */
  public ListFilter createdBefore(long seconds) {
    this.createdBefore = seconds;
    return this;
  }

  /** Only objects created before this instant (its second, strict). */
  public ListFilter createdBefore(Instant instant) {
    return createdBefore(instant.getEpochSecond());
  }

  /** Only objects changed after this second (unix seconds, strict). */
  public ListFilter updatedAfter(long seconds) {
    this.updatedAfter = seconds;
    return this;
  }

  /** Only objects changed after this instant (its second, strict). */
  public ListFilter updatedAfter(Instant instant) {
    return updatedAfter(instant.getEpochSecond());
  }

  /** Only objects changed before this second (unix seconds, strict). */
  public ListFilter updatedBefore(long seconds) {
    this.updatedBefore = seconds;
    return this;
  }

  /** Only objects changed before this instant (its second, strict). */
  public ListFilter updatedBefore(Instant instant) {
    return updatedBefore(instant.getEpochSecond());
  }

  /** At most this many (1 to the server's maximum, 10000 by default). */
  public ListFilter limit(int limit) {
    this.limit = limit;
    return this;
  }

  /** Skip this many of the matches first. */
  public ListFilter offset(int offset) {
    this.offset = offset;
    return this;
  }

  /** The next page: a copy of this filter with the offset moved on by the limit. */
  public ListFilter next() {
    if (limit == null) {
      throw new IllegalStateException("paging needs a limit");
    }
    ListFilter next = copy();
    next.offset = offset + limit;
    return next;
  }

  /** A copy that can be changed without changing this filter. */
  public ListFilter copy() {
    ListFilter c = new ListFilter();
    c.jobIds.addAll(jobIds);
    c.layerIds.addAll(layerIds);
    c.taskIds.addAll(taskIds);
    c.statuses.addAll(statuses);
    c.types.addAll(types);
    c.name = name;
    c.createdAfter = createdAfter;
    c.createdBefore = createdBefore;
    c.updatedAfter = updatedAfter;
    c.updatedBefore = updatedBefore;
    c.limit = limit;
    c.offset = offset;
    return c;
  }

  /** The query string of the list API, "" or starting with "?". */
  public String toQuery() {
    List<String> params = new ArrayList<>();
    add(params, "job_ids", jobIds);
    add(params, "layer_ids", layerIds);
    add(params, "task_ids", taskIds);
    add(params, "statuses", statuses.stream().map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
    add(params, "types", types);
    add(params, "name", name);
    add(params, "created_after", createdAfter);
    add(params, "created_before", createdBefore);
    add(params, "updated_after", updatedAfter);
    add(params, "updated_before", updatedBefore);
    add(params, "limit", limit);
    add(params, "offset", offset == 0 ? null : offset);
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  private static void add(List<String> params, String name, Collection<String> values) {
    if (!values.isEmpty()) {
      add(params, name, String.join(",", values));
    }
  }

  private static void add(List<String> params, String name, Object value) {
    if (value != null) {
      params.add(name + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
    }
  }

  @Override
  public String toString() {
    return "ListFilter" + toQuery();
  }
}
