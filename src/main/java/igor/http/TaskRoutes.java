package igor.http;

import igor.domain.TaskPlan;
import igor.service.JobService;
import igor.service.JobService.TasksAnswer;
import igor.service.JobViews;
import java.util.List;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** POST /api/v1/tasks: add tasks to layers of one job that have not started (or are paused). */
final class TaskRoutes extends AllDirectives {
  private final JobService jobs;
  private final JobRequests requests;
  private final RequestBodies bodies;

  TaskRoutes(JobService jobs, JobRequests requests, RequestBodies bodies) {
    this.jobs = jobs;
    this.requests = requests;
    this.bodies = bodies;
  }

  Route route() {
    return path("tasks", () -> post(() -> bodies.json(this::add)));
  }

  private Route add(String body) {
    List<TaskPlan> plans = requests.toPlans(ApiJson.readList(body, JobRequests.AddTask.class));
    return Answers.of(jobs.addTasks(plans), TasksAnswer::rejection, r -> JobViews.tasks(r.tasks()));
  }
}
