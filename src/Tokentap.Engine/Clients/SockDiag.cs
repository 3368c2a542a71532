// A TCP socket's inode by one netlink sock_diag exact lookup, which the kernel answers from its hash of connections.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>
/// Asks the kernel (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY without NLM_F_DUMP) for the one TCP socket with the given
/// local and remote ends. Unlike reading /proc/net/tcp, whose text the kernel writes for every connection it holds
/// (TIME_WAIT ones too), an exact lookup costs the same however many connections there are. Layouts follow the uapi
/// headers include/uapi/linux/netlink.h (struct nlmsghdr, struct nlmsgerr), sock_diag.h and inet_diag.h (struct
/// inet_diag_req_v2, inet_diag_sockid, inet_diag_msg); all fields are in the machine's byte order except ports and
/// addresses, which are in network order.
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe class SockDiag
{
    /// <summary>struct nlmsghdr: nlmsg_len u32, nlmsg_type u16, nlmsg_flags u16, nlmsg_seq u32, nlmsg_pid u32.</summary>
    private const int HeaderLength = 16;

    /// <summary>struct inet_diag_req_v2: sdiag_family, sdiag_protocol, idiag_ext, pad (u8 each), idiag_states u32, id.</summary>
    private const int RequestLength = 8 + SocketIdLength;

    /// <summary>struct inet_diag_msg: idiag_family, idiag_state, idiag_timer, idiag_retrans (u8 each), id, then idiag_expires, idiag_rqueue, idiag_wqueue, idiag_uid, idiag_inode (u32 each).</summary>
    private const int MessageLength = 4 + SocketIdLength + 20;

    /// <summary>struct inet_diag_sockid: idiag_sport, idiag_dport (be16), idiag_src[4], idiag_dst[4] (be32), idiag_if u32, idiag_cookie[2] u32.</summary>
    private const int SocketIdLength = 48;

    private const int SourcePort = 0;
    private const int DestinationPort = 2;
    private const int SourceAddress = 4;
    private const int DestinationAddress = 20;
    private const int Cookie = 40;
    private const int InodeInMessage = 4 + SocketIdLength + 16;

    private const ushort SockDiagByFamily = 20;
    private const ushort MessageError = 2;
    private const ushort MessageDone = 3;
    private const ushort FlagRequest = 0x1;
    private const ushort FlagDump = 0x100 | 0x200;
    private const int NoSuchEntry = 2;
    private const byte FamilyInet = 2;
    private const byte FamilyInet6 = 10;
    private const byte ProtocolTcp = 6;
    private const byte StateListen = 10;

    /// <summary>Room for any one answer: netlink's usual page-sized message, far more than one socket's.</summary>
    private const int AnswerRoom = 8192;

    private static readonly Lazy<bool> Answering = new(Probe);
    private static int _sequence;

    /// <summary>The outcome of one lookup.</summary>
    internal enum Answer
    {
        /// <summary>The kernel named the socket; its inode is 0 when no process holds it any more (TIME_WAIT).</summary>
        Found,

        /// <summary>The kernel holds no socket with these ends.</summary>
        Absent,

        /// <summary>No answer to trust (no netlink, no TCP sock_diag, a malformed reply): look elsewhere.</summary>
        Unavailable,
    }

    /// <summary>
    /// Whether TCP sock_diag answers on this machine: asked once, with a dump of no states (the kernel sends only its
    /// end). An exact lookup's "no such entry" would otherwise not tell a missing socket from a missing tcp_diag.
    /// </summary>
    public static bool IsAvailable => Answering.Value;

    /// <summary>
    /// The inode of the TCP socket whose local end is <paramref name="local"/> and remote end <paramref name="remote"/>.
    /// Two IPv4 ends (or IPv4-mapped ones) are asked for as AF_INET: the kernel keeps IPv4 connections of IPv4 and of
    /// dual-mode IPv6 sockets in one hash and answers with the socket's own family. Other ends are asked for as AF_INET6.
    /// </summary>
    public static Answer Find(IPEndPoint local, IPEndPoint remote, out uint inode)
    {
        inode = 0;
        if (!IsAvailable)
        {
            return Answer.Unavailable;
        }

        var localAddress = Unmapped(local.Address);
        var remoteAddress = Unmapped(remote.Address);
        var family = localAddress.AddressFamily == AddressFamily.InterNetwork && remoteAddress.AddressFamily == AddressFamily.InterNetwork
            ? FamilyInet
            : FamilyInet6;

        // Both ends as 16 IPv6 bytes (an IPv4 address mapped), as the answer's id holds them for an AF_INET6 socket.
        Span<byte> expectedLocal = stackalloc byte[16];
        Span<byte> expectedRemote = stackalloc byte[16];
        if (!localAddress.MapToIPv6().TryWriteBytes(expectedLocal, out _) || !remoteAddress.MapToIPv6().TryWriteBytes(expectedRemote, out _))
        {
            return Answer.Unavailable;
        }

        Span<byte> request = stackalloc byte[HeaderLength + RequestLength];
        request.Clear();
        var sequence = Interlocked.Increment(ref _sequence);
        WriteHeader(request, FlagRequest, sequence);
        var body = request[HeaderLength..];
        body[0] = family;
        body[1] = ProtocolTcp;
        BinaryPrimitives.WriteUInt32LittleEndian(body[4..], uint.MaxValue);
        var id = body[8..];
        BinaryPrimitives.WriteUInt16BigEndian(id[SourcePort..], (ushort)local.Port);
        BinaryPrimitives.WriteUInt16BigEndian(id[DestinationPort..], (ushort)remote.Port);
        if (family == FamilyInet)
        {
            expectedLocal[12..].CopyTo(id[SourceAddress..]);
            expectedRemote[12..].CopyTo(id[DestinationAddress..]);
        }
        else
        {
            expectedLocal.CopyTo(id[SourceAddress..]);
            expectedRemote.CopyTo(id[DestinationAddress..]);
        }

        // INET_DIAG_NOCOOKIE in both words: any socket with these ends.
        id.Slice(Cookie, 8).Fill(0xFF);

        Span<byte> answer = stackalloc byte[AnswerRoom];
        var received = Exchange(request, answer);
        return received < 0
            ? Answer.Unavailable
            : Read(answer[..received], sequence, (ushort)local.Port, (ushort)remote.Port, expectedLocal, expectedRemote, out inode);
    }

    /// <summary>
    /// Reads the answer to an exact lookup: the socket's message (checked to be the socket asked for: with no
    /// connection of these ends the kernel may name the listener of the remote port instead), or an error.
    /// </summary>
    private static Answer Read(ReadOnlySpan<byte> answer, int sequence, ushort localPort, ushort remotePort, ReadOnlySpan<byte> local, ReadOnlySpan<byte> remote, out uint inode)
    {
        inode = 0;
        while (NextMessage(ref answer, out var type, out var messageSequence, out var payload))
        {
            if (messageSequence != sequence)
            {
                continue;
            }

            switch (type)
            {
                case SockDiagByFamily when payload.Length >= MessageLength:
                    var id = payload[4..];
                    var same = payload[1] != StateListen
                        && BinaryPrimitives.ReadUInt16BigEndian(id[SourcePort..]) == localPort
                        && BinaryPrimitives.ReadUInt16BigEndian(id[DestinationPort..]) == remotePort
                        && SameAddress(payload[0], id.Slice(SourceAddress, 16), local)
                        && SameAddress(payload[0], id.Slice(DestinationAddress, 16), remote);
                    if (!same)
                    {
                        return Answer.Absent;
                    }

                    inode = BinaryPrimitives.ReadUInt32LittleEndian(payload[InodeInMessage..]);
                    if (!BitConverter.IsLittleEndian)
                    {
                        inode = BinaryPrimitives.ReverseEndianness(inode);
                    }

                    return Answer.Found;
                case MessageError when payload.Length >= 4:
                    return ErrorCode(payload) == -NoSuchEntry ? Answer.Absent : Answer.Unavailable;
                case MessageDone:
                    return Answer.Unavailable;
            }
        }

        return Answer.Unavailable;
    }

    /// <summary>An address of the answer's id: the first 4 bytes for an AF_INET socket, all 16 for AF_INET6.</summary>
    private static bool SameAddress(byte family, ReadOnlySpan<byte> answered, ReadOnlySpan<byte> expected) => family switch
    {
        FamilyInet => expected[..12].SequenceEqual(MappedPrefix) && answered[..4].SequenceEqual(expected[12..]),
        FamilyInet6 => answered.SequenceEqual(expected),
        _ => false,
    };

    private static ReadOnlySpan<byte> MappedPrefix => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF];

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// The next whole message: its type, sequence and payload, advancing past it (aligned to 4 bytes). False at the end
    /// or at a header whose length does not fit what was received.
    /// </summary>
    private static bool NextMessage(ref ReadOnlySpan<byte> rest, out ushort type, out int sequence, out ReadOnlySpan<byte> payload)
    {
        type = 0;
        sequence = 0;
        payload = default;
        if (rest.Length < HeaderLength)
        {
            return false;
        }

        var length = ReadNative32(rest);
        if (length < HeaderLength || length > (uint)rest.Length)
        {
            return false;
        }

        type = ReadNative16(rest[4..]);
        sequence = (int)ReadNative32(rest[8..]);
        payload = rest[HeaderLength..(int)length];
        var aligned = (int)Math.Min((length + 3) & ~3u, (uint)rest.Length);
        rest = rest[aligned..];
        return true;
    }

    /// <summary>struct nlmsgerr's error: a negative errno, or 0 for an acknowledgement.</summary>
    private static int ErrorCode(ReadOnlySpan<byte> payload) => (int)ReadNative32(payload);

    private static void WriteHeader(Span<byte> message, ushort flags, int sequence)
    {
        WriteNative32(message, (uint)message.Length);
        WriteNative16(message[4..], SockDiagByFamily);
        WriteNative16(message[6..], flags);
        WriteNative32(message[8..], (uint)sequence);
    }

    /// <summary>
    /// Sends <paramref name="request"/> on a new NETLINK_SOCK_DIAG socket and receives one datagram into
    /// <paramref name="answer"/>: the bytes received, or -1 when there is no socket, no answer, or more than fits.
    /// The kernel answers while the request is sent, so the receive never waits (MSG_DONTWAIT).
    /// </summary>
    private static int Exchange(ReadOnlySpan<byte> request, Span<byte> answer)
    {
        using var socket = new LinuxDescriptor(LinuxNative.Socket(
            LinuxNative.AddressFamilyNetlink, LinuxNative.SocketDatagram | LinuxNative.SocketCloseOnExec, LinuxNative.NetlinkSockDiag));
        if (socket.IsInvalid)
        {
            return -1;
        }

        fixed (byte* sending = request)
        fixed (byte* receiving = answer)
        {
            if (LinuxNative.Send(socket.Number, sending, (nuint)request.Length, 0) != request.Length)
            {
                return -1;
            }

            var received = LinuxNative.Receive(socket.Number, receiving, (nuint)answer.Length, LinuxNative.ReceiveDontWait | LinuxNative.ReceiveTruncated);
            return received < 0 || received > answer.Length ? -1 : (int)received;
        }
    }

    /// <summary>A dump of TCP sockets in no state: a working sock_diag sends NLMSG_DONE with error 0, nothing else.</summary>
    private static bool Probe()
    {
        Span<byte> request = stackalloc byte[HeaderLength + RequestLength];
        request.Clear();
        var sequence = Interlocked.Increment(ref _sequence);
        WriteHeader(request, FlagRequest | FlagDump, sequence);
        request[HeaderLength] = FamilyInet;
        request[HeaderLength + 1] = ProtocolTcp;

        Span<byte> answer = stackalloc byte[AnswerRoom];
        int received;
        try
        {
            received = Exchange(request, answer);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call (not glibc or musl): the /proc/net/tcp way.
            return false;
        }

        if (received < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = answer[..received];
        while (NextMessage(ref rest, out var type, out var messageSequence, out var payload))
        {
            if (messageSequence == sequence && type is MessageDone or MessageError)
            {
                return type == MessageDone && (payload.Length < 4 || ErrorCode(payload) == 0);
            }
        }

        return false;
    }

    private static uint ReadNative32(ReadOnlySpan<byte> bytes) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static ushort ReadNative16(ReadOnlySpan<byte> bytes) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes);

    private static void WriteNative32(Span<byte> bytes, uint value)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        }
    }

    private static void WriteNative16(Span<byte> bytes, ushort value)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        }
    }
}
