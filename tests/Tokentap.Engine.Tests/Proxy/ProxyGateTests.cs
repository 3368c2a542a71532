// Request gates: a refusal is answered by the proxy and never reaches the upstream; gates compose, first refusal wins.
using System.Text;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyGateTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyGateTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task A_refused_request_gets_the_gates_answer_and_nothing_reaches_the_upstream()
    {
        _env.Upstream.Map("POST", "/v1/gated-refused", MockResponses.Json("{}"));
        var observer = new RecordingObserver();
        var first = new TestGate(r => r.PathAndQuery.Contains("refused", StringComparison.Ordinal) ? Refusal(429, "first") : null);
        var second = new TestGate(_ => Refusal(403, "second"));
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer) with { Gates = [first, second] });
        using var client = _env.Client(proxy);

        using var response = await client.PostAsync("https://api.anthropic.com/v1/gated-refused", new StringContent("{\"model\":\"m\"}"));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("{\"reason\":\"first\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Equal(0, _env.Upstream.Requests.Count(r => r.Path == "/v1/gated-refused"));
        Assert.Equal(1, first.Calls);
        Assert.Equal(0, second.Calls);
        var completion = await observer.Exchanges.Single().Completed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(429, completion.ProxyStatusCode);
        Assert.Equal("first", completion.Refusal);
    }

    [Fact]
    public async Task A_request_every_gate_passes_is_forwarded_and_a_throwing_gate_is_recorded_and_passed_over()
    {
        _env.Upstream.Map("POST", "/v1/gated-passed", MockResponses.Json("{\"ok\":true}"));
        var throwing = new TestGate(_ => throw new InvalidOperationException("broken gate"));
        var passing = new TestGate(_ => null);
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(new RecordingObserver()) with { Gates = [throwing, passing] });
        using var client = _env.Client(proxy);

        using var response = await client.PostAsync("https://api.openai.com/v1/gated-passed", new StringContent("{}"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(1, _env.Upstream.Requests.Count(r => r.Path == "/v1/gated-passed"));
        Assert.Equal(1, passing.Calls);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.GateException));
    }

    private static GateRefusal Refusal(int status, string reason) => new()
    {
        StatusCode = status,
        Body = Encoding.UTF8.GetBytes($"{{\"reason\":\"{reason}\"}}"),
        Headers = [new("x-should-retry", "false")],
        Reason = reason,
    };

    private sealed class TestGate(Func<ExchangeRequest, GateRefusal?> check) : IRequestGate
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public GateRefusal? Check(ExchangeRequest request)
        {
            Interlocked.Increment(ref _calls);
            return check(request);
        }
    }
}
