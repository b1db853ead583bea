package mimbla.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A webhook endpoint for tests on a real loopback socket. No HTTP library sits in between: it
 * records the exact bytes each request arrived with, and can answer, redirect, hang, reset, trickle
 * or stay silent on purpose, so tests see what the sender really puts on the wire and how it copes.
 *
 * <p>One platform thread accepts; each connection gets its own virtual thread, which reads one
 * request, records it, then plays the behaviour that was current when the connection was accepted.
 * Tests call the other methods from their own thread. Hostile clients (garbage, half requests,
 * endless headers) never throw out of those threads: anything unexpected lands in {@link
 * #errors()}.
 */
public final class Receiver implements AutoCloseable {
  /** Most bytes one request may occupy, head and body together; the rest is never read. */
  static final int CAP = 64 * 1024;

  /** 127.0.0.1 itself, never ::1, whatever the JVM prefers: the URLs name it literally. */
  static final InetAddress LOOPBACK = loopback();

  private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};
  private static final Duration JOIN = Duration.ofSeconds(2);

  /**
   * What a request arrived as: its bytes up to and including the blank line, then any body. The
   * array is copied in and out, and equality compares its content. {@code peer} is the address the
   * connection came from; {@code peerPid} the process that opened it, looked up only after {@link
   * Receiver#identifyPeers()}.
   */
  @SuppressWarnings("ArrayRecordComponent")
  public record Received(
      String raw,
      byte[] bytes,
      Instant at,
      long nanoTime,
      String path,
      InetSocketAddress peer,
      OptionalLong peerPid) {
    /** Copies, so that no one can change what was recorded. */
    public Received {
      bytes = bytes.clone();
    }

    /**
     * The exact bytes read: the head through its first {@code \r\n\r\n}, then the body only when a
     * Content-Length announced one; shorter when the client gave up or hit {@link #CAP}.
     */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Received that
          && raw.equals(that.raw)
          && Arrays.equals(bytes, that.bytes)
          && at.equals(that.at)
          && nanoTime == that.nanoTime
          && path.equals(that.path)
          && peer.equals(that.peer)
          && peerPid.equals(that.peerPid);
    }

    @Override
    public int hashCode() {
      return raw.hashCode() * 31 + Long.hashCode(nanoTime);
    }

    @Override
    public String toString() {
      return "Received[" + at + " " + raw.replace("\r\n", "\\r\\n") + "]";
    }
  }

  /** What to do with a connection once its request has been read and recorded. */
  private sealed interface Behaviour {}

  private record Answer(int status, String extraHeaders) implements Behaviour {}

  private record Hang() implements Behaviour {}

  private record Reset() implements Behaviour {}

  private record SlowHeaders(Duration perByte) implements Behaviour {}

  private record Delay(Duration pause) implements Behaviour {}

  private record CloseWithoutAnswer() implements Behaviour {}

  private final ServerSocket server;
  private final String scheme;
  private final Thread acceptor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();

  /** Every request recorded so far, in arrival order; guarded by {@link #lock}. */
  private final List<Received> requests = new ArrayList<>();

  /** How many of {@link #requests} the test has already awaited; guarded by {@link #lock}. */
  private int awaited;

  private volatile Behaviour behaviour = new Answer(200, "");

  /**
   * Whether each request looks up the process that opened its connection; see {@link
   * #identifyPeers()}.
   */
  private volatile boolean identifyPeers;

  private Receiver(ServerSocket server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    this.acceptor =
        Thread.ofPlatform()
            .daemon()
            .name("receiver-" + server.getLocalPort() + "-accept")
            .start(this::acceptLoop);
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  /** A plain HTTP receiver on 127.0.0.1, on a free port, answering 200. */
  public static Receiver start() {
    try {
      return new Receiver(new ServerSocket(0, 50, LOOPBACK), "http");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
    }
  }

  /**
   * A plain HTTP receiver on 127.0.0.1 on exactly this port, answering 200: for a port chosen
   * beforehand, such as the one an onion service forwards to.
   */
  public static Receiver startOn(int port) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(LOOPBACK, port), 50);
      return new Receiver(server, "http");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  /**
   * An HTTPS receiver presenting this certificate. A client that trusts it gets answers; a default
   * client fails its handshake, which is how tests prove the sender checks certificates.
   */
  public static Receiver startTls(HeldCertificate certificate) {
    HandshakeCertificates server =
        new HandshakeCertificates.Builder().heldCertificate(certificate).build();
    try {
      return new Receiver(
          server.sslContext().getServerSocketFactory().createServerSocket(0, 50, LOOPBACK),
          "https");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
    }
  }

  /** A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, valid for a day. */
  public static HeldCertificate selfSigned() {
    return new HeldCertificate.Builder()
        .commonName("localhost")
        .addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1")
        .duration(1, TimeUnit.DAYS)
        .build();
  }

  /**
   * A loopback port nothing listens on, for senders that must cope with a refused connection.
   * Another process could take it in between; on loopback in a test run that is unlikely enough.
   */
  public static int refusingPort() {
    try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>} (https for a TLS receiver) followed by the given text. */
  public String url(String pathAndQuery) {
    return scheme + "://127.0.0.1:" + port() + pathAndQuery;
  }

  /**
   * From now on, record with each request the process that opened its connection ({@link
   * Received#peerPid()}), looked up while the connection is still open. Every connection on
   * loopback comes from 127.0.0.1 (Tor exits included, since tor never binds its outbound address
   * for a loopback destination), so the owning process is what tells a request that came through a
   * Tor exit from a direct one. Linux only ({@code /proc}); costs a scan of {@code /proc} per
   * request, hence off by default.
   */
  public Receiver identifyPeers() {
    identifyPeers = true;
    return this;
  }

  /** Answer with this status, no body, and close. */
  public Receiver answer(int status) {
    behaviour = new Answer(status, "");
    return this;
  }

  /** Answer with this status and a Location header, no body, and close. */
  public Receiver redirect(int status, String location) {
    behaviour = new Answer(status, "Location: " + location + "\r\n");
    return this;
  }

  /** Read the request, then neither answer nor close until this receiver closes. */
  public Receiver hang() {
    behaviour = new Hang();
    return this;
  }

  /** Read the request, then close with SO_LINGER 0: the client sees "Connection reset". */
  public Receiver reset() {
    behaviour = new Reset();
    return this;
  }

  /** Answer 200, but write the response one byte at a time with this pause between bytes. */
  public Receiver slowHeaders(Duration perByte) {
    behaviour = new SlowHeaders(perByte);
    return this;
  }

  /** Wait this long after reading the request, then answer 200. */
  public Receiver delay(Duration wait) {
    behaviour = new Delay(wait);
    return this;
  }

  /** Read the request, then close cleanly without a single byte: a protocol error to the client. */
  public Receiver closeWithoutAnswer() {
    behaviour = new CloseWithoutAnswer();
    return this;
  }

  /** Every request recorded so far, oldest first. */
  public List<Received> requests() {
    lock.lock();
    try {
      return List.copyOf(requests);
    } finally {
      lock.unlock();
    }
  }

  public int count() {
    lock.lock();
    try {
      return requests.size();
    } finally {
      lock.unlock();
    }
  }

  /** Connections accepted so far, including ones that never sent a byte. */
  public int connections() {
    return connections.get();
  }

  /** Exceptions the receiver did not expect from any client; empty when all went well. */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  /**
   * The oldest request not yet awaited, waiting for it if need be.
   *
   * @throws AssertionError when none arrives within the timeout
   */
  public Received awaitRequest(Duration timeout) {
    lock.lock();
    try {
      waitFor(awaited + 1, timeout);
      return requests.get(awaited++);
    } finally {
      lock.unlock();
    }
  }

  /**
   * All requests recorded, once there are at least {@code n}; they all count as awaited.
   *
   * @throws AssertionError when fewer than {@code n} arrive within the timeout
   */
  public List<Received> awaitRequests(int n, Duration timeout) {
    lock.lock();
    try {
      waitFor(n, timeout);
      awaited = requests.size();
      return List.copyOf(requests);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fails as soon as a request beyond those already awaited shows up, or passes after the whole
   * duration. Checking against the awaited ones catches a duplicate that arrived before the call.
   */
  public void assertNoMoreWithin(Duration duration) {
    lock.lock();
    try {
      long left = duration.toNanos();
      while (requests.size() <= awaited && left > 0) {
        left = arrived.awaitNanos(left);
      }
      if (requests.size() > awaited) {
        throw new AssertionError(
            "expected no more requests within "
                + duration.toMillis()
                + " ms, but got "
                + requests.subList(awaited, requests.size()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while watching for requests", e);
    } finally {
      lock.unlock();
    }
  }

  /** Waits, holding {@link #lock}, until at least {@code total} requests are recorded. */
  private void waitFor(int total, Duration timeout) {
    long left = timeout.toNanos();
    try {
      while (requests.size() < total) {
        if (left <= 0) {
          throw new AssertionError(
              "expected request #"
                  + total
                  + " within "
                  + timeout.toMillis()
                  + " ms, but only "
                  + requests.size()
                  + " arrived on "
                  + connections()
                  + " connections");
        }
        left = arrived.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a request", e);
    }
  }

  /**
   * Stops accepting, releases hung connections, closes every socket and waits briefly for the
   * threads to end. Called from the test thread; safe to call twice.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(server);
    closing.countDown();
    join(acceptor, System.nanoTime() + JOIN.toNanos());

    open.forEach(Receiver::closeQuietly);
    handlers.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + JOIN.toNanos();
    handlers.forEach(handler -> join(handler, deadline));
  }

  private void join(Thread thread, long deadline) {
    try {
      if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
        errors.add(thread.getName() + " still running after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The acceptor thread: hands each connection to a new virtual thread until closed. */
  private void acceptLoop() {
    while (!closed.get()) {
      try {
        dispatch(server.accept());
      } catch (IOException e) {
        if (!closed.get()) {
          errors.add("accept failed, no longer accepting: " + e);
        }
        return;
      }
    }
  }

  /**
   * On the acceptor thread: registers the socket before checking for close, so that either this
   * thread or {@link #close()} is sure to see it and close it.
   */
  private void dispatch(Socket socket) {
    int number = connections.incrementAndGet();
    Behaviour current = behaviour;
    open.add(socket);
    Thread handler =
        Thread.ofVirtual()
            .name("receiver-" + port() + "-" + number)
            .uncaughtExceptionHandler((thread, e) -> errors.add(thread.getName() + ": " + e))
            .unstarted(() -> handle(socket, current));
    handlers.add(handler);
    if (closed.get()) {
      closeQuietly(socket);
    }
    handler.start();
  }

  /**
   * On the connection's virtual thread. I/O failures are the client's doing (it left, reset, or
   * refused our certificate) and are expected; anything else is recorded as an error.
   */
  private void handle(Socket socket, Behaviour current) {
    try (socket) {
      Read read = read(socket.getInputStream());
      if (read.bytes.length == 0) {
        return;
      }
      record(read.bytes, socket);
      if (read.complete) {
        behave(socket, current);
      }
    } catch (IOException clientLeft) {
      // A client hanging up, resetting, or failing the TLS handshake is part of the game.
    } catch (InterruptedException e) {
      if (!closed.get()) {
        errors.add(Thread.currentThread().getName() + " interrupted: " + e);
      }
    } catch (RuntimeException e) {
      errors.add(Thread.currentThread().getName() + ": " + e);
    } finally {
      open.remove(socket);
      handlers.remove(Thread.currentThread());
    }
  }

  /** The bytes of one request, and whether its head ended and any announced body arrived. */
  @SuppressWarnings("ArrayRecordComponent")
  private record Read(byte[] bytes, boolean complete) {}

  /**
   * Reads the head up to its first blank line, then a Content-Length body if one is announced, all
   * within {@link #CAP}. The buffer only ever holds bytes that already arrived, and bytes past the
   * request stay unrecorded.
   */
  private static Read read(InputStream socketIn) throws IOException {
    InputStream in = new BufferedInputStream(socketIn);
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < END_OF_HEAD.length) {
      int next = head.size() < CAP ? in.read() : -1;
      if (next < 0) {
        return new Read(head.toByteArray(), false);
      }
      head.write(next);
      matched = next == END_OF_HEAD[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
    }

    long length = contentLength(head.toString(StandardCharsets.ISO_8859_1));
    if (length <= 0) {
      return new Read(head.toByteArray(), true);
    }
    byte[] body = in.readNBytes((int) Math.min(length, CAP - head.size()));
    head.write(body);
    return new Read(head.toByteArray(), body.length == length);
  }

  /** The first Content-Length header's value, or -1 when there is none or it is not a number. */
  private static long contentLength(String head) {
    for (String line : head.split("\r\n", -1)) {
      int colon = line.indexOf(':');
      if (colon > 0
          && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        try {
          return Long.parseLong(line.substring(colon + 1).trim());
        } catch (NumberFormatException garbage) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** The request-target: the second word of the request line, or empty when there is none. */
  private static String path(String raw) {
    int lineEnd = raw.indexOf("\r\n");
    String[] words = (lineEnd < 0 ? raw : raw.substring(0, lineEnd)).split(" ", -1);
    return words.length > 1 ? words[1] : "";
  }

  /** On a connection thread: stores the request and wakes any test waiting for it. */
  private void record(byte[] bytes, Socket socket) {
    String raw = new String(bytes, StandardCharsets.ISO_8859_1);
    InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
    OptionalLong peerPid =
        identifyPeers
            ? SocketOwners.ownerOf(peer, (InetSocketAddress) socket.getLocalSocketAddress())
            : OptionalLong.empty();
    Received received =
        new Received(raw, bytes, Instant.now(), System.nanoTime(), path(raw), peer, peerPid);
    lock.lock();
    try {
      requests.add(received);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** On a connection thread, after recording; the caller closes the socket afterwards. */
  private void behave(Socket socket, Behaviour current) throws IOException, InterruptedException {
    OutputStream out = socket.getOutputStream();
    switch (current) {
      case Answer answer -> write(out, response(answer));
      case Hang hang -> closing.await();
      case Reset reset -> socket.setSoLinger(true, 0);
      case SlowHeaders slow -> trickle(out, response(new Answer(200, "")), slow.perByte());
      case Delay delay -> {
        Thread.sleep(delay.pause());
        write(out, response(new Answer(200, "")));
      }
      case CloseWithoutAnswer silent -> {
        // Closing with nothing written is the whole point.
      }
    }
  }

  private static byte[] response(Answer answer) {
    return ("HTTP/1.1 "
            + answer.status()
            + " "
            + reason(answer.status())
            + "\r\n"
            + answer.extraHeaders()
            + "Content-Length: 0\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 410 -> "Gone";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status";
    };
  }

  private static void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private static void trickle(OutputStream out, byte[] bytes, Duration pause)
      throws IOException, InterruptedException {
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        Thread.sleep(pause);
      }
      out.write(bytes[i]);
      out.flush();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing during shutdown; the other side may be gone already.
    }
  }
}
