package igor.http;

import igor.domain.TaskPlan;
import igor.service.JobService.TasksAnswer;
import igor.service.JobViews;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** POST /api/v1/tasks: add tasks to layers of one job that have not started (or are paused). */
final class TaskRoutes extends AllDirectives {
  private final JobRequests requests;
  private final RequestBodies bodies;
  private final IdempotentSubmits submits;

  TaskRoutes(JobRequests requests, RequestBodies bodies, IdempotentSubmits submits) {
    this.requests = requests;
    this.bodies = bodies;
    this.submits = submits;
  }

  Route route() {
    return path(
        "tasks",
        () -> post(() -> submits.key("tasks", key -> bodies.json(body -> add(body, key)))));
  }

  private Route add(String body, Optional<IdempotentSubmits.Key> key) {
    List<JobRequests.AddTask> request = ApiJson.readList(body, JobRequests.AddTask.class);
    List<TaskPlan> plans = requests.toPlans(request);
    return Answers.of(
        submits.addTasks(key, request, plans),
        TasksAnswer::rejection,
        r -> JobViews.tasks(r.tasks()));
  }
}
