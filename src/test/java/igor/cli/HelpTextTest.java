package igor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class HelpTextTest {
  private final Map<String, CommandLine> commands = IgorCommand.commandLine().getSubcommands();

  @Test
  void everyOptionOfEveryCommandIsDescribed() {
    commands.forEach(
        (name, command) -> {
          for (OptionSpec option : command.getCommandSpec().options()) {
            assertThat(String.join(" ", option.description()).strip())
                .as("igor %s %s", name, option.longestName())
                .isNotEmpty();
          }
        });
  }

  @Test
  void everyCommandsDescriptionIsMadeOfWholeSentences() {
    commands.forEach(
        (name, command) -> {
          String[] paragraphs = command.getCommandSpec().usageMessage().description();
          assertThat(paragraphs).as("igor %s", name).isNotEmpty();
          for (String paragraph : paragraphs) {
            assertThat(paragraph.strip()).as("igor %s: %s", name, paragraph).endsWith(".");
          }
        });
  }

  @Test
  void devHelpNamesTheVariablesOfItsPortAndData() {
    assertThat(help("dev")).contains("IGOR_HTTP_PORT").contains("IGOR_DATA_DIR").contains("$HOME");
  }

  @Test
  void lsHelpDescribesTheTimeFilters() {
    assertThat(help("ls"))
        .contains("--created-after=TIME")
        .contains("Created after TIME.")
        .contains("Last changed before TIME.");
  }

  private String help(String command) {
    StringWriter text = new StringWriter();
    commands.get(command).usage(new PrintWriter(text));
    return text.toString();
  }
}
