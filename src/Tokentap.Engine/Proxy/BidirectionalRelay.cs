// Copies bytes both ways between two streams until either side ends: blind tunnels and upgraded WebSocket connections.
using System.Buffers;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Two copy loops with pooled buffers. Each chunk is written onward before a copy goes to the tap (if any). When one
/// side ends cleanly and the other is a plain socket, the end is passed on as a half-close and the other direction
/// keeps running (TCP semantics for blind tunnels); otherwise, or on any failure, both streams are closed.
/// </summary>
internal static class BidirectionalRelay
{
    private const int BufferSize = 16 * 1024;

    /// <summary>Relays until both directions ended; returns the bytes moved each way.</summary>
    public static async Task<(long ClientToServer, long ServerToClient)> RunAsync(
        Stream client,
        Stream server,
        TapPump? tap,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var up = CopyAsync(client, server, tap, WebSocketMessageDirection.ClientToServer, stop);
        var down = CopyAsync(server, client, tap, WebSocketMessageDirection.ServerToClient, stop);
        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        var (_, graceful) = await first.ConfigureAwait(false);
        var destination = first == up ? server : client;
        if (!graceful || !TryHalfClose(destination))
        {
            // Close both so the other loop's pending read ends instead of waiting for a peer that left.
            stop.Cancel();
            await CloseQuietlyAsync(client).ConfigureAwait(false);
            await CloseQuietlyAsync(server).ConfigureAwait(false);
        }

        var upResult = await up.ConfigureAwait(false);
        var downResult = await down.ConfigureAwait(false);
        await CloseQuietlyAsync(client).ConfigureAwait(false);
        await CloseQuietlyAsync(server).ConfigureAwait(false);
        return (upResult.Total, downResult.Total);
    }

    private static bool TryHalfClose(Stream stream)
    {
        if (stream is not System.Net.Sockets.NetworkStream network)
        {
            return false;
        }

        try
        {
            network.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static async Task<(long Total, bool Graceful)> CopyAsync(Stream from, Stream to, TapPump? tap, WebSocketMessageDirection direction, CancellationTokenSource stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        var graceful = false;
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer.AsMemory(0, BufferSize), stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    graceful = true;
                    break;
                }

                // Tapped before they are written on, in both directions: the other side cannot react to bytes before
                // it has them, so the parser sees every message after the ones that prompted it. The post copies into
                // the tap's queue and never waits for the parser, so the relay is not slowed.
                tap?.PostWebSocket(direction, buffer.AsSpan(0, n));
                await to.WriteAsync(buffer.AsMemory(0, n), stop.Token).ConfigureAwait(false);
                total += n;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // A side went away; the relay simply ends.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (total, graceful);
    }

    private static async ValueTask CloseQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing a stream whose peer already left can fail; there is nothing left to do with it.
        }
    }
}
