package org.multiprocessing4j.internal.manager;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.net.InetSocketAddress;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.internal.shm.Liveness;

/**
 * Where a manager's server is, as its proxies carry it: a queue of new connections in shared
 * memory for a server on this machine, or a TCP address and key for one reached over the network.
 */
public sealed interface ManagerAddress extends Serializable {
    /** The server's own random name, the same whichever way it is reached. */
    String serverId();

    /**
     * A server on this machine: a client puts one end of a new duplex pipe on {@code accept}; the
     * server's pid and start time let a client tell that it is gone before it took the pipe. A
     * class, not a record, as every type of the library that goes by Java serialization
     * (docs/DESIGN.md, "Start-up cost").
     */
    final class Local implements ManagerAddress {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String serverId;
        private final Queue<Connection> accept;
        private final long serverPid;
        private final long serverStart;

        public Local(String serverId, Queue<Connection> accept, long serverPid, long serverStart) {
            this.serverId = serverId;
            this.accept = accept;
            this.serverPid = serverPid;
            this.serverStart = serverStart;
        }

        @Override
        public String serverId() {
            return serverId;
        }

        public Queue<Connection> accept() {
            return accept;
        }

        public long serverPid() {
            return serverPid;
        }

        public long serverStart() {
            return serverStart;
        }

        /** Whether the server's process has ended (its pid is gone or names another process now). */
        public boolean serverEnded() {
            return !Liveness.isAlive(serverPid, serverStart);
        }

        /** The same server, however its queue handle came here: one client per server in a process. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Local other && serverId.equals(other.serverId) && accept.equals(other.accept)
                    && serverPid == other.serverPid && serverStart == other.serverStart;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(serverId, accept, serverPid, serverStart);
        }

        @Override
        public String toString() {
            return "process " + serverPid + " (manager " + serverId + ")";
        }
    }

    /**
     * A server reached over TCP with a key. The key goes with a proxy written for another process of
     * this machine, but not with one written into a call to the same server, which has it (see
     * {@link ManagerClient#encodingFor}).
     */
    final class Remote implements ManagerAddress {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String serverId;
        private final InetSocketAddress address;
        private transient byte[] key;

        public Remote(String serverId, InetSocketAddress address, byte[] key) {
            this.serverId = serverId;
            this.address = address;
            this.key = key.clone();
        }

        @Override
        public String serverId() {
            return serverId;
        }

        public InetSocketAddress address() {
            return address;
        }

        byte[] key() {
            return key;
        }

        @Serial
        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            boolean withKey = !equals(ManagerClient.encodingFor());
            out.writeBoolean(withKey);
            if (withKey) {
                out.writeInt(key.length);
                out.write(key);
            }
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (in.readBoolean()) {
                int length = in.readInt();
                if (length < 0 || length > 1024) {
                    throw new java.io.StreamCorruptedException("a manager key of " + length + " bytes");
                }
                key = in.readNBytes(length);
            } else {
                key = ManagerClient.decodingFrom() instanceof Remote from ? from.key : new byte[0];
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Remote other && address.equals(other.address);
        }

        @Override
        public int hashCode() {
            return address.hashCode();
        }

        @Override
        public String toString() {
            return "tcp://" + address.getHostString() + ":" + address.getPort();
        }
    }
}
