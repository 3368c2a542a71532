// A plain-HTTP receiver on a free loopback port for tests and benchmarks that stand in for a collector or webhook.
using System.Net;
using System.Net.Sockets;

namespace Tokentap.Testing;

/// <summary>
/// Listens on http://127.0.0.1:{free port}/ and hands each request to <see cref="HandleAsync"/>, one at a time; the
/// response is closed after the handler returns. Disposing stops the listener and waits for the loop to end.
/// </summary>
public abstract class LoopbackHttpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    protected LoopbackHttpReceiver()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The base address, without a trailing slash.</summary>
    public string Endpoint { get; }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Reads the request and sets the response's status and headers; the base closes the response.</summary>
    protected abstract Task HandleAsync(HttpListenerContext context);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await HandleAsync(context);
            context.Response.Close();
        }
    }
}
