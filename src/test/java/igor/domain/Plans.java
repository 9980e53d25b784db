package igor.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builders of job plans for tests: {@code aJob().with(aLayer().priority(1).with(aTask()))}. Every
 * job, layer and task gets a fresh id from {@link Identifiers#newId()}, kept by its builder so a
 * test can name it afterwards.
 */
final class Plans {
  /** When something is paused in a plan (unix ms of a whole second): any such time will do. */
  static final long PAUSED_AT = 1_600_000_000_000L;

  private Plans() {}

  static JobBuilder aJob() {
    return new JobBuilder();
  }

  static LayerBuilder aLayer() {
    return new LayerBuilder();
  }

  static TaskBuilder aTask() {
    return new TaskBuilder();
  }

  /** {@code count} default tasks. */
  static TaskBuilder[] tasks(int count) {
    TaskBuilder[] tasks = new TaskBuilder[count];
    for (int i = 0; i < count; i++) {
      tasks[i] = aTask();
    }
    return tasks;
  }

  static final class JobBuilder {
    private final String id = Identifiers.newId();
    private String name = "";
    private long pausedAt;
    private long startAt;
    private final List<LayerBuilder> layers = new ArrayList<>();

    String id() {
      return id;
    }

    /** Created to start at this time (unix ms). */
    JobBuilder startingAt(long startAtMillis) {
      this.startAt = startAtMillis;
      return this;
    }

    JobBuilder named(String name) {
      this.name = name;
      return this;
    }

    JobBuilder paused() {
      this.pausedAt = PAUSED_AT;
      return this;
    }

    JobBuilder with(LayerBuilder... layers) {
      this.layers.addAll(Arrays.asList(layers));
      return this;
    }

    JobPlan build() {
      List<LayerPlan> layerPlans = new ArrayList<>();
      List<TaskPlan> taskPlans = new ArrayList<>();
      for (LayerBuilder layer : layers) {
        layerPlans.add(layer.build());
        taskPlans.addAll(layer.taskPlans());
      }
      return new JobPlan(id, name, pausedAt, layerPlans, taskPlans, startAt);
    }
  }

  static final class LayerBuilder {
    private String id = Identifiers.newId();
    private String name = "";
    private int priority;
    private long pausedAt;
    private final List<TaskBuilder> tasks = new ArrayList<>();

    String id() {
      return id;
    }

    /** Gives this layer the id of another one, to build plans that repeat a layer id. */
    LayerBuilder withId(String id) {
      this.id = id;
      return this;
    }

    LayerBuilder named(String name) {
      this.name = name;
      return this;
    }

    LayerBuilder priority(int priority) {
      this.priority = priority;
      return this;
    }

    LayerBuilder paused() {
      this.pausedAt = PAUSED_AT;
      return this;
    }

    LayerBuilder with(TaskBuilder... tasks) {
      this.tasks.addAll(Arrays.asList(tasks));
      return this;
    }

    LayerBuilder withTasks(int count) {
      return with(tasks(count));
    }

    List<String> taskIds() {
      return tasks.stream().map(TaskBuilder::id).toList();
    }

    LayerPlan build() {
      return new LayerPlan(id, name, priority, pausedAt);
    }

    List<TaskPlan> taskPlans() {
      return tasks.stream().map(t -> t.in(id)).toList();
    }
  }

  static final class TaskBuilder {
    private String id = Identifiers.newId();
    private String type = "echo";
    private String name = "";
    private byte[] args = new byte[0];
    private long pausedAt;
    private int retries;
    private int timeoutSeconds;

    String id() {
      return id;
    }

    TaskBuilder withId(String id) {
      this.id = id;
      return this;
    }

    TaskBuilder ofType(String type) {
      this.type = type;
      return this;
    }

    TaskBuilder named(String name) {
      this.name = name;
      return this;
    }

    TaskBuilder withArgs(byte[] args) {
      this.args = args;
      return this;
    }

    TaskBuilder paused() {
      this.pausedAt = PAUSED_AT;
      return this;
    }

    TaskBuilder retries(int retries) {
      this.retries = retries;
      return this;
    }

    /** Each attempt may run this long after it started; 0 (the default) is no limit. */
    TaskBuilder timeoutSeconds(int seconds) {
      this.timeoutSeconds = seconds;
      return this;
    }

    /** The plan of this task in the given layer: what a client adds to an existing job. */
    TaskPlan in(String layerId) {
      return new TaskPlan(id, layerId, type, name, args, pausedAt, retries, timeoutSeconds);
    }

    TaskPlan in(LayerBuilder layer) {
      return in(layer.id());
    }
  }
}
