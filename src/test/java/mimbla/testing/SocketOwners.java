package mimbla.testing;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which process holds one end of an open TCP connection on this machine, read from Linux's {@code
 * /proc}: the kernel's socket table gives the socket's inode, and the process whose file
 * descriptors include that inode is its owner. It answers only while the connection is open (a
 * closed socket has no inode any more) and only for processes this user may inspect.
 */
final class SocketOwners {
  private static final Path PROC = Path.of("/proc");

  private SocketOwners() {}

  /**
   * The process whose socket is bound to {@code local} and connected to {@code remote}, or empty
   * when none is found. IPv4 addresses only (everything here runs on 127.0.0.1), whether the socket
   * holding them is an IPv4 one or an IPv6 one with a v4-mapped address.
   */
  static OptionalLong ownerOf(InetSocketAddress local, InetSocketAddress remote) {
    if (!(local.getAddress() instanceof Inet4Address)
        || !(remote.getAddress() instanceof Inet4Address)) {
      return OptionalLong.empty();
    }
    // A Java socket is usually an IPv6 one holding a v4-mapped address, listed in tcp6.
    Optional<String> inode =
        inode("net/tcp", hex(local), hex(remote))
            .or(() -> inode("net/tcp6", mappedHex(local), mappedHex(remote)));
    return inode.map(SocketOwners::processHolding).orElse(OptionalLong.empty());
  }

  /** The inode of the socket with these two ends in this kernel socket table. */
  private static Optional<String> inode(String table, String local, String remote) {
    List<String> lines;
    try {
      lines = Files.readAllLines(PROC.resolve(table));
    } catch (IOException noProc) {
      return Optional.empty();
    }

    // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    for (String line : lines) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length > 9 && columns[1].equals(local) && columns[2].equals(remote)) {
        return columns[9].equals("0") ? Optional.empty() : Optional.of(columns[9]);
      }
    }
    return Optional.empty();
  }

  private static OptionalLong processHolding(String inode) {
    String target = "socket:[" + inode + "]";
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path process : processes) {
        if (holds(process, target)) {
          return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
        }
      }
    } catch (IOException unreadable) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /** Processes come and go while we look, and some are not ours to read: both are simply no. */
  private static boolean holds(Path process, String target) {
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
      for (Path descriptor : descriptors) {
        try {
          if (Files.readSymbolicLink(descriptor).toString().equals(target)) {
            return true;
          }
        } catch (IOException gone) {
          // The descriptor was closed between listing and reading.
        }
      }
    } catch (IOException | SecurityException gone) {
      return false;
    }
    return false;
  }

  /** The kernel's spelling: the address as a native (little-endian) 32-bit hex, the port in hex. */
  private static String hex(InetSocketAddress address) {
    return word(address.getAddress().getAddress())
        + String.format(Locale.ROOT, ":%04X", address.getPort());
  }

  /** The same address as {@code ::ffff:a.b.c.d} in tcp6: four native 32-bit words. */
  private static String mappedHex(InetSocketAddress address) {
    return "0000000000000000FFFF0000" + hex(address);
  }

  private static String word(byte[] b) {
    return String.format(Locale.ROOT, "%02X%02X%02X%02X", b[3], b[2], b[1], b[0]);
  }
}
