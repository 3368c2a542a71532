// WebSocket upgrades on intercepted hosts: relayed both ways, frames observed, refusals passed on exactly.
using System.Net.WebSockets;
using System.Text;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyWebSocketTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyWebSocketTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Messages_are_relayed_both_ways_and_observed_whole()
    {
        _env.Upstream.MapWebSocket("/v1/responses-ws", async (socket, _) =>
        {
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var request = Encoding.UTF8.GetString(message.ToArray());
            await socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"response.created\","), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("\"echo\":" + request.Length + "}"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            var large = new byte[70000];
            Array.Fill(large, (byte)'u');
            await socket.SendAsync(large, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            await socket.ReceiveAsync(buffer, CancellationToken.None);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        });
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var handler = TestClients.CreateHandler(proxy.ProxyUri, new[] { _env.Ca.Certificate });
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("openai-beta", "responses_websockets=2026-02-06");
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.CollectHttpResponseDetails = true;

        await socket.ConnectAsync(new Uri("wss://api.openai.com/v1/responses-ws"), invoker, CancellationToken.None);
        var part1 = "{\"type\":\"response.create\",\"model\":\"gpt-5\",";
        var part2 = "\"input\":\"" + new string('q', 300) + "\"}";
        await socket.SendAsync(Encoding.UTF8.GetBytes(part1), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes(part2), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var reply = await ReceiveMessageAsync(socket);
        var binary = await ReceiveMessageAsync(socket);
        await socket.SendAsync("bye"u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        await ReceiveMessageAsync(socket);

        Assert.Equal(101, (int)socket.HttpStatusCode);
        Assert.Equal("{\"type\":\"response.created\",\"echo\":" + (part1.Length + part2.Length) + "}", Encoding.UTF8.GetString(reply));
        Assert.Equal(70000, binary.Length);
        var upgrade = _env.Upstream.Requests.Last(r => r.Path == "/v1/responses-ws");
        Assert.Null(upgrade.Header("Sec-WebSocket-Extensions"));
        Assert.Equal("responses_websockets=2026-02-06", upgrade.Header("openai-beta"));

        var exchange = await observer.NextCompletedAsync();
        Assert.True(exchange.Request.IsWebSocketUpgrade);
        Assert.Equal(101, exchange.Head!.StatusCode);
        var messages = exchange.Messages;
        Assert.Equal(4, messages.Count);
        var fromClient = messages.Where(m => m.Direction == WebSocketMessageDirection.ClientToServer).ToList();
        var fromServer = messages.Where(m => m.Direction == WebSocketMessageDirection.ServerToClient).ToList();
        Assert.Equal(part1 + part2, Encoding.UTF8.GetString(fromClient[0].Payload));
        Assert.True(fromClient[0].IsText);
        Assert.Equal("bye", Encoding.UTF8.GetString(fromClient[1].Payload));
        Assert.False(fromClient[1].IsText);
        Assert.Equal(reply, fromServer[0].Payload);
        Assert.Equal(70000, fromServer[1].Payload.Length);
        Assert.Null(exchange.Completion!.DecodeError);
        Assert.False(exchange.ContractViolated);
    }

    [Theory]
    [InlineData(426)]
    [InlineData(404)]
    public async Task Upgrade_refusals_are_relayed_exactly(int status)
    {
        var path = $"/v1/responses-refuse-{status}";
        _env.Upstream.Map("GET", path, MockResponses.Status(status, "{\"error\":\"no websockets\"}", ("Upgrade", "websocket")));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var handler = TestClients.CreateHandler(proxy.ProxyUri, new[] { _env.Ca.Certificate });
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri("wss://api.openai.com" + path), invoker, CancellationToken.None));

        Assert.Equal(status, (int)socket.HttpStatusCode);
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(status, exchange.Head!.StatusCode);
        Assert.Equal("{\"error\":\"no websockets\"}", exchange.BodyText);
        Assert.Null(exchange.Completion!.ProxyStatusCode);
    }

    private static async Task<byte[]> ReceiveMessageAsync(ClientWebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return message.ToArray();
    }
}
