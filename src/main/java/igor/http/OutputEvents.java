package igor.http;

import igor.domain.TaskOutput;
import igor.queue.TaskOutputChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The live part of GET /api/v1/events: the log lines and progress any node stored
 * (docs/adr/0014-task-output.md) as events {@code task_log} and {@code task_progress}. They are not
 * in the journal, so they carry no event id: a client that reconnects does not get them again (it
 * reads GET /api/v1/tasks/{id}/logs). A stream that cannot keep up drops its oldest (a buffer of
 * {@value #BUFFER} per stream).
 */
final class OutputEvents {
  static final int BUFFER = 1000;
  private final Set<Consumer<List<TaskOutput.Entry>>> listeners = new CopyOnWriteArraySet<>();

  OutputEvents(TaskOutputChannel channel) {
    if (channel != null) {
      channel.subscribe(entries -> listeners.forEach(l -> l.accept(entries)));
    }
  }

  /** The events of these jobs (of all when empty) from now on; never completes. */
  Source<ServerSentEvent, NotUsed> events(Set<String> jobIds) {
    return Source.<TaskOutput.Entry>queue(BUFFER, OverflowStrategy.dropHead())
        .mapMaterializedValue(
            queue -> {
              Consumer<List<TaskOutput.Entry>> listener =
                  entries -> {
                    for (TaskOutput.Entry e : entries) {
                      if (jobIds.isEmpty() || jobIds.contains(e.jobId())) {
                        queue.offer(e);
                      }
                    }
                  };
              listeners.add(listener);
              queue.watchCompletion().whenComplete((done, failure) -> listeners.remove(listener));
              return NotUsed.getInstance();
            })
        .map(OutputEvents::sse);
  }

  static ServerSentEvent sse(TaskOutput.Entry e)
      throws com.fasterxml.jackson.core.JsonProcessingException {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("job_id", e.jobId());
    d.put("task_id", e.taskId());
    d.put("attempt", e.attempt());
    d.put("worker", e.worker());
    String name;
    if (e.kind() == TaskOutput.Kind.LOG) {
      name = "task_log";
      d.put("level", e.level().wireName());
      d.put("line", e.line());
    } else {
      name = "task_progress";
      d.put("progress", e.progress());
    }
    d.put("at", e.at() / 1000);
    d.put("at_ms", e.at());
    return ServerSentEvent.create(ApiJson.MAPPER.writeValueAsString(d), name);
  }
}
