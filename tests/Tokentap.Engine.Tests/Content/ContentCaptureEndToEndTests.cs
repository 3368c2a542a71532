// Content capture through the real proxy: the facade starts it (Start-Tokentap -CaptureContent's path), a client sends
// prompts full of secrets over CONNECT + TLS to the mock provider, and the content read back equals what was sent
// (redacted) and what streamed; nothing secret is anywhere in the data folder; with capture off there is no content.
using System.Text;
using System.Text.Json.Nodes;
using Tokentap.Engine.Content;
using Tokentap.Engine.Facade;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Content;

public sealed class ContentCaptureEndToEndTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tt-content-e2e-").FullName;
    private readonly TestCertificateAuthority _upstreamAuthority = new("Content E2E Upstream Root");
    private MockUpstream _upstream = null!;

    public static TheoryData<string> Formats() => new() { "anthropic", "openai-chat", "openai-responses", "gemini" };

    public async Task InitializeAsync() =>
        _upstream = await MockUpstream.StartAsync(_upstreamAuthority.IssueServerCertificate(new[] { "localhost" }));

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _upstreamAuthority.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Captured_prompts_equal_what_the_client_sent_redacted_and_responses_equal_the_streamed_text(string format)
    {
        var call = Calls.Get(format);
        using var engine = new TokentapEngine(new TokentapPaths(_home));
        var usage = await SendAsync(engine, call, capture: true);

        var content = Assert.IsType<TokenUsageContent>(engine.GetContent(usage.Id));
        Assert.Equal(usage.Id, content.EventId);
        Assert.Equal(call.Response, content.ResponseText);
        Assert.Equal(call.ToolCalls, content.ToolCalls.Select(t => (t.Name, t.Arguments)).ToArray());
        Assert.Equal(Redaction.BuiltIn.Apply(call.System), content.System);
        Assert.Equal(call.Messages.Select(m => (m.Role, Redaction.BuiltIn.Apply(m.Text))).ToArray(), content.Messages.Select(m => (m.Role, m.Text)).ToArray());
        Assert.Equal(new[] { "read_file" }, content.Tools);
        Assert.Contains("[image/png base64, 36 KB omitted]", content.RequestJson, StringComparison.Ordinal);
        Assert.DoesNotContain("header-secret", content.RequestJson, StringComparison.Ordinal);
        AssertNoSecretAnywhere();
        AssertOwnerOnly(ContentStore.In(new TokentapPaths(_home)).PathOf(usage.Id));
    }

    [Fact]
    public async Task Capture_off_leaves_no_content_anywhere()
    {
        using var engine = new TokentapEngine(new TokentapPaths(_home));
        var usage = await SendAsync(engine, Calls.Get("anthropic"), capture: false);

        Assert.Null(engine.GetContent(usage.Id));
        Assert.False(Directory.Exists(Path.Combine(_home, "content")));
        Assert.False(engine.GetStatus().ContentCapture);
        AssertNoSecretAnywhere();
    }

    [Fact]
    public async Task Remove_TokenUsage_removes_the_content_with_its_events()
    {
        using var engine = new TokentapEngine(new TokentapPaths(_home));
        var first = await SendAsync(engine, Calls.Get("anthropic"), capture: true);
        var second = await SendAsync(engine, Calls.Get("gemini"), capture: true);

        Assert.Equal(1, engine.RemoveUsage(new[] { first }, UsageFilter.All));
        Assert.Null(engine.GetContent(first.Id));
        Assert.NotNull(engine.GetContent(second.Id));

        Assert.Equal(1, engine.RemoveUsage(DateTime.UtcNow.AddMinutes(1), UsageFilter.All));
        Assert.Null(engine.GetContent(second.Id));
        Assert.Empty(Directory.GetFiles(Path.Combine(_home, "content")));
    }

    [Fact]
    public void The_persistent_setting_turns_capture_on_for_the_next_proxy_and_Get_Tokentap_says_so()
    {
        using var engine = new TokentapEngine(new TokentapPaths(_home));
        Assert.False(engine.GetStatus().ContentCapture);

        var settings = engine.SetContentCapture(enabled: true, maxContentSize: 5 * 1024 * 1024, retentionDays: 7);

        Assert.Equal((true, 5L * 1024 * 1024, 7, 0), (settings.Enabled, settings.MaxContentSize, settings.RetentionDays, settings.StoredRecords));
        Assert.True(engine.GetStatus().ContentCapture);
        AssertOwnerOnly(Path.Combine(_home, "content.json"));
        Assert.False(engine.SetContentCapture(enabled: false).Enabled);
        Assert.Equal(5L * 1024 * 1024, engine.GetContentCapture().MaxContentSize);
    }

    // Sends one call through a proxy the facade starts and stops; returns its usage event.
    private async Task<UsageEvent> SendAsync(TokentapEngine engine, Call call, bool capture)
    {
        _upstream.Map("POST", call.Path.Split('?')[0], MockResponses.Bytes(Tokentap.Engine.Tests.Providers.ExchangeDriver.Fixture(call.Fixture), "text/event-stream"));
        var before = engine.GetUsage(UsageFilter.All).Select(e => e.Id).ToHashSet();
        var status = engine.StartProxy(
            new ProxyStartRequest
            {
                Port = 0,
                UpstreamOverrides = new Dictionary<string, Uri> { [call.Host] = _upstream.BaseUri },
                UpstreamCaFile = _upstreamAuthority.PemPath,
                Session = "content-e2e",
                CaptureContent = capture,
            },
            new NoMessages())!;
        try
        {
            Assert.Equal(capture, status.ContentCapture);
            using var client = TestClients.Create(new Uri(status.ProxyUrl!), new[] { engine.Runtime.Listeners[0].Authority.Certificate });
            using var request = new HttpRequestMessage(HttpMethod.Post, $"https://{call.Host}{call.Path}") { Content = new StringContent(call.Body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-ant-header-secret-9f8e7d6c5b4a3928");
            request.Headers.TryAddWithoutValidation("Cookie", "session=header-cookie-secret-1a2b3c");
            using var response = await client.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
            await response.Content.ReadAsByteArrayAsync();
        }
        finally
        {
            engine.StopProxy();
        }

        return Assert.Single(engine.GetUsage(UsageFilter.All), e => !before.Contains(e.Id));
    }

    // Every file of the data folder, gzip decompressed, holds none of the secrets (nor the headers' ones).
    private void AssertNoSecretAnywhere()
    {
        var secrets = SecretCorpus.All.Select(s => s.Secret).Concat(new[] { "sk-ant-header-secret-9f8e7d6c5b4a3928", "header-cookie-secret-1a2b3c" }).ToList();
        var files = DataFolderFiles.Read(_home).ToList();
        Assert.NotEmpty(files);
        foreach (var (file, bytes) in files)
        {
            var text = Encoding.UTF8.GetString(bytes) + Encoding.Latin1.GetString(bytes);
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds {secret}");
            }
        }
    }

    private static void AssertOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    private sealed class NoMessages : ITokentapMessages
    {
        public void WriteWarning(string text)
        {
        }

        public void WriteVerbose(string text)
        {
        }

        public void WriteHostLine(string text)
        {
        }
    }
}
