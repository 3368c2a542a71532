// Which client session an exchange belongs to: the clients' session headers, Gemini CLI's Code Assist session_id,
// else the app and its process.
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Tests.Providers;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class ClientSessionTests
{
    private static UsageEvent CodeAssist(string body, params KeyValuePair<string, string>[] headers)
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var fixture = FixtureCases.Get("code-assist-sse");
        var request = ExchangeDriver.Request(fixture.Host, fixture.PathAndQuery, body, headers: headers);
        return Assert.Single(ExchangeDriver.Run(observer, sink, request, ExchangeDriver.Head(200), [ExchangeDriver.Fixture(fixture.File)], ExchangeDriver.Completed()));
    }

    [Fact]
    public void Gemini_CLIs_Code_Assist_session_id_is_the_client_session()
    {
        var usage = CodeAssist("""{"model":"gemini-2.5-flash","project":"p","user_prompt_id":"u1","request":{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0},"session_id":"7d0c1b9e-gem"}}""");

        Assert.Equal("7d0c1b9e-gem", usage.ClientSessionId);
        Assert.Equal("7d0c1b9e-gem", SessionKey.Of(usage));
    }

    [Fact]
    public void A_session_header_wins_and_a_body_without_one_leaves_it_empty()
    {
        var both = CodeAssist("""{"model":"gemini-2.5-flash","request":{"session_id":"from-body"}}""", KeyValuePair.Create("session-id", "from-header"));
        var neither = CodeAssist("""{"model":"gemini-2.5-flash","request":{"contents":[]},"session_id":"top-level-is-not-it"}""");

        Assert.Equal("from-header", both.ClientSessionId);
        Assert.Null(neither.ClientSessionId);
        neither.App = "gemini-cli";
        neither.ClientProcessId = 4242;
        Assert.Equal("gemini-cli pid 4242", SessionKey.Of(neither));
        neither.ClientProcessId = null;
        neither.Session = "build-17";
        Assert.Equal("gemini-cli in build-17", SessionKey.Of(neither));
    }
}
