// Accepting without exceptions: connections arrive, a closed listener ends the accept with an error code, and a
// proxy's stop throws nothing in its accept loops.
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ListenerAcceptorTests
{
    private readonly ProxyTestEnvironment _env;

    public ListenerAcceptorTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Accepts_each_connection_and_ends_with_operation_aborted_when_the_listener_closes()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        using var acceptor = new ListenerAcceptor(listener);

        for (var i = 0; i < 3; i++)
        {
            var accepting = acceptor.AcceptAsync().AsTask();
            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(endpoint.Address, endpoint.Port);
            using var accepted = await accepting.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(accepted);
            Assert.Equal(SocketError.Success, acceptor.LastError);
            Assert.Equal(((IPEndPoint)client.Client.LocalEndPoint!).Port, ((IPEndPoint)accepted.RemoteEndPoint!).Port);
        }

        var pending = acceptor.AcceptAsync().AsTask();
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);
        listener.Dispose();

        Assert.Null(await pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SocketError.OperationAborted, acceptor.LastError);
        Assert.Null(await acceptor.AcceptAsync());
        Assert.Equal(SocketError.OperationAborted, acceptor.LastError);
    }

    [Fact]
    public async Task A_stop_throws_nothing_in_the_accept_loops()
    {
        var thrown = new List<string>();
        void Record(object? sender, FirstChanceExceptionEventArgs e)
        {
            var stack = Environment.StackTrace;
            if (stack.Contains("ProxyServer.AcceptLoopAsync", StringComparison.Ordinal) || stack.Contains("ListenerAcceptor.AcceptAsync", StringComparison.Ordinal))
            {
                lock (thrown)
                {
                    thrown.Add($"{e.Exception.GetType().Name}: {e.Exception.Message} AT {stack}");
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            var proxy = ProxyTestEnvironment.Start(_env.Options(null));
            using (var client = new TcpClient(AddressFamily.InterNetwork))
            {
                await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
            }

            await proxy.StopAsync();
            Assert.False(proxy.IsRunning);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        Assert.True(thrown.Count == 0, string.Join("\n\n", thrown));
    }
}
