package igor.config;

import com.typesafe.config.Config;

/**
 * The limits on what a request may ask for. Each is configurable under {@code igor.limits} and
 * named, with its setting, in the error a request over it gets.
 */
public record Limits(
    long maxBodyBytes,
    int maxLayersPerJob,
    int maxTasksPerJob,
    int maxTasksPerRequest,
    int maxRefsPerRequest,
    int maxArgsBytes,
    int maxNameLength,
    int maxTypeLength,
    int defaultListLimit,
    int maxListLimit) {

  public static Limits from(Config c) {
    return new Limits(
        c.getBytes("max-body-bytes"),
        c.getInt("max-layers-per-job"),
        c.getInt("max-tasks-per-job"),
        c.getInt("max-tasks-per-request"),
        c.getInt("max-refs-per-request"),
        c.getInt("max-args-bytes"),
        c.getInt("max-name-length"),
        c.getInt("max-type-length"),
        c.getInt("default-list-limit"),
        c.getInt("max-list-limit"));
  }
}
