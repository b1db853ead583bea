package mimbla.chain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A chain test's temporary folder: its logs are kept under target/, the rest removed. */
final class TestFolders {
  private TestFolders() {}

  /** Copies every {@code *.log} to {@code target/process-logs/<name>}, then deletes the folder. */
  static void keepLogsAndDelete(Path folder, String name) {
    if (folder == null) {
      return;
    }
    Path kept = Path.of("target", "process-logs", name);
    try (Stream<Path> files = Files.walk(folder)) {
      List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
      Files.createDirectories(kept);
      for (Path file : all) {
        if (file.getFileName().toString().endsWith(".log") && Files.isRegularFile(file)) {
          Files.copy(file, kept.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      for (Path file : all) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      System.err.println("cannot clean up " + folder + ": " + e);
    }
  }
}
