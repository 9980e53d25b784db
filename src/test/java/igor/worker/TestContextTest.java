package igor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.worker.api.TaskContext;
import igor.worker.api.TaskFailedException;
import igor.worker.api.TaskSpec;
import igor.worker.builtin.EchoHandler;
import igor.worker.builtin.FailHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A handler's own unit tests run it on {@link TaskContext#forTest}, with no worker and no Igor. */
class TestContextTest {

  @Test
  void aHandlerRunsOnATestContextWithItsIdsAndArgs() throws Exception {
    TaskContext context = TaskContext.forTest("t-1", 2, "echo", bytes("hello"));

    assertThat(new EchoHandler().handle(context)).isEqualTo(bytes("hello"));
    assertThat(context.taskId()).isEqualTo("t-1");
    assertThat(context.attempt()).isEqualTo(2);
    assertThat(context.argsAsText()).isEqualTo("hello");
    assertThat(context.isCancelled()).isFalse();
  }

  @Test
  void aFailingHandlerThrowsItsMessageOnATestContext() {
    TaskContext context = TaskContext.forTest("t-1", 1, "fail", bytes("no disk"));

    assertThatThrownBy(() -> new FailHandler().handle(context))
        .isInstanceOf(TaskFailedException.class)
        .hasMessage("no disk");
  }

  @Test
  void aTestContextRefusesToAddTasksForGood() {
    TaskContext context = TaskContext.forTest("t-1", 1, "expand", new byte[0]);

    assertThatThrownBy(() -> context.addTasks("layer", List.of(TaskSpec.of("noop", null))))
        .isInstanceOfSatisfying(
            TaskFailedException.class, e -> assertThat(e.isRetryable()).isFalse());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
