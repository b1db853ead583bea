package mimbla.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver. Both are named by path so
 * Selenium never looks for (or downloads) a browser or a driver of its own; the flags keep Chromium
 * from reaching out to the internet, which tests must never do. Each browser gets a fresh profile,
 * removed when it closes.
 */
final class Chromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS =
      Path.of(System.getProperty("mimbla.screenshots", "target/screenshots"));

  final WebDriver driver;
  private final Path profile;
  private final ChromeDriverService service;

  private Chromium(WebDriver driver, ChromeDriverService service, Path profile) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /** A browser with scripts on, or off as in Tor Browser's "safest" mode. */
  static Chromium start(boolean javascript) {
    if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
      throw new AssertionError(
          "browser tests need Debian's chromium and chromium-driver (.ci/run installs them)");
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("mimbla-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1100,1000",
        "--user-data-dir=" + profile);
    // The browser's console, read by tests to find Content-Security-Policy violations.
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    if (!javascript) {
      options.setExperimentalOption(
          "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    try {
      return new Chromium(new ChromeDriver(service, options), service, profile);
    } catch (RuntimeException e) {
      service.stop();
      delete(profile);
      throw e;
    }
  }

  /**
   * Waits, up to a generous timeout, for the page to reach a condition. A live page reloads itself
   * when the payment changes, so an element read mid-reload is simply read again.
   */
  <T> T await(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(30))
        .ignoring(StaleElementReferenceException.class)
        .until(condition::apply);
  }

  /**
   * Saves the whole page as {@code name}.png in the screenshot folder: the window grows to the
   * page's height for the picture, then returns to its size.
   */
  void screenshot(String name) {
    Dimension size = driver.manage().window().getSize();
    try {
      Object height =
          ((JavascriptExecutor) driver)
              .executeScript("return document.documentElement.scrollHeight");
      if (height instanceof Number pixels && pixels.intValue() > size.getHeight()) {
        driver.manage().window().setSize(new Dimension(size.getWidth(), pixels.intValue() + 140));
      }
    } catch (JavascriptException scriptsOff) {
      // Without scripts the page's height is unknown: the picture is of the window.
    }
    try {
      Files.createDirectories(SCREENSHOTS);
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(size);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      delete(profile);
    }
  }

  private static void delete(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temp profile is harmless.
    }
  }
}
