// Windows: the client socket's owner from the TCP connection table (GetExtendedTcpTable); no project.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>
/// Finds the row of the TCP connection table (IPv4, then IPv6 for dual-mode and [::1] clients) whose local end is the
/// client's and whose remote end is the proxy's, and takes its owning process id. The project stays empty: Windows
/// keeps a process's working directory in that process's own memory (its PEB), and reading another process's memory
/// is not something a proxy should do. Not exercised by the test suite, which runs on Linux.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsClientProcessResolver : IClientProcessResolver
{
    private const int AfInet = 2;
    private const int AfInet6 = 23;
    private const int TcpTableOwnerPidConnections = 4;
    private const uint NoError = 0;
    private const uint ErrorInsufficientBuffer = 122;

    // MIB_TCPROW_OWNER_PID: state, local address, local port, remote address, remote port, pid (4 bytes each).
    private const int Row4Size = 24;

    // MIB_TCP6ROW_OWNER_PID: local address (16), scope, port, remote address (16), scope, port, state, pid.
    private const int Row6Size = 56;

    public ClientProcess? Resolve(IPEndPoint client, IPEndPoint proxy)
    {
        var clientAddress = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
        var proxyAddress = proxy.Address.IsIPv4MappedToIPv6 ? proxy.Address.MapToIPv4() : proxy.Address;
        int? processId = null;
        if (clientAddress.AddressFamily == AddressFamily.InterNetwork && proxyAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            processId = FindOwner4(clientAddress, client.Port, proxyAddress, proxy.Port)
                ?? FindOwner6(clientAddress.MapToIPv6(), client.Port, proxyAddress.MapToIPv6(), proxy.Port);
        }
        else
        {
            processId = FindOwner6(client.Address, client.Port, proxy.Address, proxy.Port);
        }

        return processId is { } id ? new ClientProcess(id, ReadName(id), Project: null) : null;
    }

    private static int? FindOwner4(IPAddress local, int localPort, IPAddress remote, int remotePort)
    {
        var table = ReadTable(AfInet);
        if (table is null)
        {
            return null;
        }

        var localBytes = local.GetAddressBytes();
        var remoteBytes = remote.GetAddressBytes();
        var count = BinaryPrimitives.ReadInt32LittleEndian(table);
        for (var i = 0; i < count && 4 + (i + 1) * Row4Size <= table.Length; i++)
        {
            var row = table.AsSpan(4 + i * Row4Size, Row4Size);
            if (row.Slice(4, 4).SequenceEqual(localBytes) && Port(row.Slice(8, 4)) == localPort
                && row.Slice(12, 4).SequenceEqual(remoteBytes) && Port(row.Slice(16, 4)) == remotePort)
            {
                return BinaryPrimitives.ReadInt32LittleEndian(row.Slice(20, 4));
            }
        }

        return null;
    }

    private static int? FindOwner6(IPAddress local, int localPort, IPAddress remote, int remotePort)
    {
        var table = ReadTable(AfInet6);
        if (table is null)
        {
            return null;
        }

        var localBytes = local.GetAddressBytes();
        var remoteBytes = remote.GetAddressBytes();
        var count = BinaryPrimitives.ReadInt32LittleEndian(table);
        for (var i = 0; i < count && 4 + (i + 1) * Row6Size <= table.Length; i++)
        {
            var row = table.AsSpan(4 + i * Row6Size, Row6Size);
            if (row.Slice(0, 16).SequenceEqual(localBytes) && Port(row.Slice(20, 4)) == localPort
                && row.Slice(24, 16).SequenceEqual(remoteBytes) && Port(row.Slice(44, 4)) == remotePort)
            {
                return BinaryPrimitives.ReadInt32LittleEndian(row.Slice(52, 4));
            }
        }

        return null;
    }

    /// <summary>Ports are stored in network byte order in the low 16 bits of their 32-bit field.</summary>
    private static int Port(ReadOnlySpan<byte> field) => (field[0] << 8) | field[1];

    private static byte[]? ReadTable(int addressFamily)
    {
        var size = 0;
        byte[]? buffer = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var result = GetExtendedTcpTable(buffer, ref size, sort: false, addressFamily, TcpTableOwnerPidConnections, 0);
            if (result == NoError && buffer is not null)
            {
                return buffer;
            }

            if (result != ErrorInsufficientBuffer)
            {
                return null;
            }

            // The table grew between the size query and the read: ask again with room to spare.
            buffer = new byte[size + 1024];
            size = buffer.Length;
        }

        return null;
    }

    private static string? ReadName(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.ProcessName;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already exited, or not ours to inspect.
            return null;
        }
    }

    [DllImport("iphlpapi.dll", ExactSpelling = true)]
    private static extern uint GetExtendedTcpTable(byte[]? table, ref int size, [MarshalAs(UnmanagedType.Bool)] bool sort, int addressFamily, int tableClass, int reserved);
}
