package mimbla.tor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connection to Tor's control port (tor's control-spec.txt), enough to authenticate, ask for
 * information and read events. Authenticates with no secret or with the cookie file Tor names in
 * its PROTOCOLINFO answer, so the operator configures nothing but the port.
 *
 * <p>One thread at a time: commands and event reads share the connection.
 */
public final class TorControl implements AutoCloseable {
  private static final Pattern METHODS = Pattern.compile("METHODS=(\\S+)");
  private static final Pattern COOKIE_FILE =
      Pattern.compile("COOKIEFILE=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern PROGRESS = Pattern.compile("PROGRESS=(\\d+)");
  private static final Pattern SUMMARY = Pattern.compile("SUMMARY=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  private TorControl(Socket socket) throws IOException {
    this.socket = socket;
    this.in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /** Connects and authenticates, waiting at most {@code timeout} for each step. */
  public static TorControl open(InetSocketAddress address, Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      TorControl control = new TorControl(socket);
      control.authenticate();
      return control;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void authenticate() throws IOException {
    String info = String.join("\n", command("PROTOCOLINFO 1"));
    String methods = find(METHODS, info).orElse("");
    if (List.of(methods.split(",")).contains("NULL")) {
      command("AUTHENTICATE");
      return;
    }
    Optional<String> cookieFile = find(COOKIE_FILE, info);
    if (!methods.contains("COOKIE") || cookieFile.isEmpty()) {
      throw new IOException(
          "Tor's control port wants a password (methods "
              + methods
              + "); enable CookieAuthentication 1 in its torrc");
    }
    byte[] cookie = Files.readAllBytes(Path.of(unescape(cookieFile.get())));
    command("AUTHENTICATE " + HexFormat.of().formatHex(cookie));
  }

  /**
   * Sends one command and returns its reply lines without their status prefix; a reply that is not
   * 250 throws with Tor's own words.
   */
  public List<String> command(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();

    List<String> reply = new ArrayList<>();
    while (true) {
      String received = readLine();
      if (received.startsWith("650")) {
        continue; // an event that arrived before the reply; readers of events use nextEvent
      }
      if (received.length() < 4 || !received.startsWith("250")) {
        throw new IOException("Tor's control port refused " + verb(line) + ": " + received);
      }
      reply.add(received.substring(4));
      if (received.charAt(3) == '+') {
        reply.addAll(dataBlock());
      }
      if (received.charAt(3) == ' ') {
        return reply;
      }
    }
  }

  /** The value of one GETINFO key. */
  public String info(String key) throws IOException {
    for (String line : command("GETINFO " + key)) {
      if (line.startsWith(key + "=")) {
        return line.substring(key.length() + 1);
      }
    }
    throw new IOException("Tor's control port did not answer GETINFO " + key);
  }

  /** How far Tor has come in reaching the network. */
  public Bootstrap bootstrap() throws IOException {
    String phase = info("status/bootstrap-phase");
    int percent = find(PROGRESS, phase).map(Integer::parseInt).orElse(0);
    return new Bootstrap(percent, find(SUMMARY, phase).map(TorControl::unescape).orElse(phase));
  }

  /** The next asynchronous event line (after SETEVENTS), or empty if none came within the wait. */
  public Optional<String> nextEvent(Duration wait) throws IOException {
    socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
    try {
      while (true) {
        String line = readLine();
        if (line.startsWith("650")) {
          return Optional.of(line.substring(4));
        }
      }
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }

  /** Bootstrap progress: 100 means Tor can build circuits. */
  public record Bootstrap(int percent, String summary) {
    public boolean done() {
      return percent >= 100;
    }

    @Override
    public String toString() {
      return percent + "%: " + summary;
    }
  }

  private List<String> dataBlock() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); !line.equals("."); line = readLine()) {
      lines.add(line.startsWith("..") ? line.substring(1) : line);
    }
    return lines;
  }

  private String readLine() throws IOException {
    String line = in.readLine();
    if (line == null) {
      throw new IOException("Tor closed its control connection");
    }
    return line;
  }

  private static String verb(String line) {
    int space = line.indexOf(' ');
    return space < 0 ? line : line.substring(0, space);
  }

  private static Optional<String> find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static String unescape(String quoted) {
    return quoted.replaceAll("\\\\(.)", "$1");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
