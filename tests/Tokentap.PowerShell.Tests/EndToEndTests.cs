// End to end through the module: Start-Tokentap with mock provider upstreams, real clients (curl, the openai and
// @anthropic-ai/sdk packages on node) through the session variables, and the events Get-TokenUsage returns.
using System.Collections;
using System.Text.Json;
using Tokentap;
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

public sealed class MockProvidersFixture : IAsyncLifetime
{
    public MockProviders Providers { get; private set; } = null!;

    public async Task InitializeAsync() => Providers = await MockProviders.StartAsync();

    public async Task DisposeAsync() => await Providers.DisposeAsync();
}

[Collection(ModuleCollection.Name)]
public sealed class EndToEndTests(ModuleFixture module, MockProvidersFixture mocks) : IClassFixture<MockProvidersFixture>
{
    private const string AnthropicSse = "https://api.anthropic.com/v1/messages";

    private MockProviders Providers => mocks.Providers;

    [Fact]
    public void Curl_through_the_session_variables_records_exact_anthropic_usage_and_cost()
    {
        var session = Start();
        try
        {
            var sse = Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
            var json = Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""");

            Assert.Contains("event: message_delta", sse, StringComparison.Ordinal);
            Assert.Contains("\"output_tokens\":53", json, StringComparison.Ordinal);
        }
        finally
        {
            Stop();
        }

        var events = Events(session);
        Assert.Equal(2, events.Count);
        foreach (var e in events)
        {
            Assert.Equal("anthropic", e.Provider);
            Assert.Equal("api.anthropic.com", e.Host);
            Assert.Equal("messages", e.Endpoint);
            Assert.Equal(MockProviders.AnthropicModel, e.Model);
            Assert.Equal("claude-sonnet-4-5", e.RequestModel);
            Assert.Equal(1007, e.InputTokens);
            Assert.Equal(302, e.CacheWriteTokens);
            Assert.Equal(101, e.CacheWrite1hTokens);
            Assert.Equal(2001, e.CacheReadTokens);
            Assert.Equal(53, e.OutputTokens);
            Assert.Equal(3310, e.ContextTokens);
            // claude-sonnet-4-5: $3 input, $3.75 5m write, $6 1h write, $0.30 cache read, $15 output per million.
            Assert.Equal(0.00577605m, e.Cost);
            Assert.False(e.Estimated);
            Assert.Equal(200, e.StatusCode);
            Assert.Equal("curl", e.App);
            Assert.Equal(session, e.Session);
            Assert.Equal(0.42, e.RateLimits?.Unified5hUtilization);
            Assert.Equal("end_turn", e.StopReason);
            Assert.StartsWith("msg_mock_", e.MessageId, StringComparison.Ordinal);
        }

        Assert.Equal(new[] { true, false }, events.Select(e => e.Streaming));
    }

    [Fact]
    public void Curl_streams_to_openai_chat_and_gemini_get_usage_normalized_and_the_include_usage_rewrite()
    {
        var session = Start();
        string chat;
        string gemini;
        try
        {
            chat = Curl("https://api.openai.com/v1/chat/completions", """{"model":"gpt-4.1-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
            gemini = Curl("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""");
        }
        finally
        {
            Stop();
        }

        // The mock, like OpenAI, sends usage only when asked: the proxy added stream_options.include_usage.
        Assert.Contains("\"prompt_tokens\":1200", chat, StringComparison.Ordinal);
        Assert.Contains("\"include_usage\":true", Providers.Upstream.Requests.Last(r => r.Path == "/v1/chat/completions").BodyText, StringComparison.Ordinal);
        Assert.Contains("\"thoughtsTokenCount\":30", gemini, StringComparison.Ordinal);

        var events = Events(session);
        var openai = Assert.Single(events, e => e.Provider == "openai");
        Assert.Equal(("chat.completions", MockProviders.ChatModel), (openai.Endpoint, openai.Model));
        Assert.Equal(200, openai.InputTokens);
        Assert.Equal(1000, openai.CacheReadTokens);
        Assert.Equal(300, openai.OutputTokens);
        Assert.True(openai.Streaming);
        var google = Assert.Single(events, e => e.Provider == "google");
        Assert.Equal(MockProviders.GeminiModel, google.Model);
        Assert.Equal(800, google.InputTokens);
        Assert.Equal(100, google.CacheReadTokens);
        Assert.Equal(80, google.OutputTokens);
        Assert.Equal(30, google.ReasoningTokens);
    }

    [Theory]
    [InlineData("anthropic", "proxy", "stream")]
    [InlineData("anthropic", "base", "json")]
    [InlineData("openai-chat", "proxy", "stream")]
    [InlineData("openai-chat", "base", "json")]
    [InlineData("openai-responses", "base", "stream")]
    [InlineData("openai-responses", "proxy", "json")]
    public void Official_sdks_get_the_mocks_answers_and_tokentap_records_the_same_numbers(string provider, string mode, string shape)
    {
        var session = Start();
        JsonElement reported;
        try
        {
            var port = module.Run("(Get-Tokentap).Port").Single<int>();
            var prefix = provider == "anthropic" ? "anthropic" : "openai";
            reported = NodeClients.Run(module.RepoRoot, provider, mode, shape, new Dictionary<string, string?>
            {
                ["TOKENTAP_BASE_URL"] = $"http://127.0.0.1:{port}/{prefix}",
            });
        }
        finally
        {
            Stop();
        }

        var recorded = Assert.Single(Events(session));
        Assert.Equal(provider == "anthropic" ? "anthropic-node" : "openai-node", recorded.App);
        var usage = reported.GetProperty("usage");
        switch (provider)
        {
            case "anthropic":
                Assert.Equal(MockProviders.AnthropicInput, usage.GetProperty("input_tokens").GetInt32());
                Assert.Equal(MockProviders.AnthropicOutput, usage.GetProperty("output_tokens").GetInt32());
                Assert.Equal((1007L, 2001L, 302L, 53L), (recorded.InputTokens, recorded.CacheReadTokens, recorded.CacheWriteTokens, recorded.OutputTokens));
                Assert.Equal(0.00577605m, recorded.Cost);
                break;
            case "openai-chat":
                // The SDK sees the usage chunk only because Tokentap asked for it.
                Assert.Equal(MockProviders.ChatPrompt, usage.GetProperty("prompt_tokens").GetInt32());
                Assert.Equal((200L, 1000L, 300L), (recorded.InputTokens, recorded.CacheReadTokens, recorded.OutputTokens));
                break;
            default:
                Assert.Equal(MockProviders.ResponsesInput, usage.GetProperty("input_tokens").GetInt32());
                Assert.Equal((1000L, 4000L, 700L, 500L), (recorded.InputTokens, recorded.CacheReadTokens, recorded.OutputTokens, recorded.ReasoningTokens));
                break;
        }

        Assert.Equal(shape == "stream", recorded.Streaming);
        Assert.Equal(reported.GetProperty("id").GetString(), recorded.MessageId);
        Assert.DoesNotContain("e2e-secret", JsonSerializer.Serialize(recorded), StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_restores_every_variable_exactly_set_ones_and_unset_ones()
    {
        var names = new[] { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "NODE_EXTRA_CA_CERTS", "NODE_USE_ENV_PROXY", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "CODEX_CA_CERTIFICATE" };
        var before = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        Environment.SetEnvironmentVariable("NO_PROXY", "corp.example");
        Environment.SetEnvironmentVariable("SSL_CERT_FILE", "/etc/ssl/mine.pem");
        Environment.SetEnvironmentVariable("CURL_CA_BUNDLE", null);
        // A NODE_EXTRA_CA_CERTS the machine sets would be merged with the CA (UserTrustTests); this test wants it unset.
        Environment.SetEnvironmentVariable("NODE_EXTRA_CA_CERTS", null);
        try
        {
            var status = StartStatus(NewSession());
            Assert.Equal(status.ProxyUrl, Environment.GetEnvironmentVariable("HTTPS_PROXY"));
            Assert.Equal("corp.example,localhost,127.0.0.1,::1", Environment.GetEnvironmentVariable("NO_PROXY"));
            Assert.Equal(status.BundlePath, Environment.GetEnvironmentVariable("SSL_CERT_FILE"));
            Assert.Equal(status.BundlePath, Environment.GetEnvironmentVariable("CURL_CA_BUNDLE"));
            Assert.Equal(status.CaCertificatePath, Environment.GetEnvironmentVariable("NODE_EXTRA_CA_CERTS"));
            Stop();

            Assert.Equal("corp.example", Environment.GetEnvironmentVariable("NO_PROXY"));
            Assert.Equal("/etc/ssl/mine.pem", Environment.GetEnvironmentVariable("SSL_CERT_FILE"));
            Assert.Null(Environment.GetEnvironmentVariable("CURL_CA_BUNDLE"));
            Assert.Null(Environment.GetEnvironmentVariable("NODE_EXTRA_CA_CERTS"));
            foreach (var name in names.Except(new[] { "NO_PROXY", "SSL_CERT_FILE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS" }))
            {
                Assert.Equal(before[name], Environment.GetEnvironmentVariable(name));
            }
        }
        finally
        {
            foreach (var (name, value) in before)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public async Task A_previous_HTTPS_PROXY_becomes_the_upstream_proxy_and_is_restored()
    {
        await using var corporate = new TestConnectProxy();
        var previous = corporate.Uri.ToString();
        Environment.SetEnvironmentVariable("HTTPS_PROXY", previous);
        try
        {
            var session = NewSession();
            var status = StartStatus(session);
            Assert.Equal(previous, status.UpstreamProxy);
            Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
            Stop();

            Assert.Equal(previous, Environment.GetEnvironmentVariable("HTTPS_PROXY"));
            Assert.Contains($"127.0.0.1:{Providers.Upstream.Port}", corporate.Targets);
            Assert.Equal(1007, Assert.Single(Events(session)).InputTokens);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HTTPS_PROXY", null);
        }
    }

    [Fact]
    public void Start_is_idempotent_and_Get_Tokentap_reports_the_running_instance()
    {
        var session = NewSession();
        var first = StartStatus(session);
        try
        {
            var second = module.Run("Start-Tokentap -Port 0 -PassThru").Single<TokentapStatus>();
            Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
            // The event is published once the tap has read the whole response, just after curl has it: poll briefly.
            var status = module.Run("Get-Tokentap").Single<TokentapStatus>();
            for (var deadline = DateTime.UtcNow.AddSeconds(10); status.EventsCaptured == 0 && DateTime.UtcNow < deadline; Thread.Sleep(20))
            {
                status = module.Run("Get-Tokentap").Single<TokentapStatus>();
            }

            Assert.Equal(first.Port, second.Port);
            Assert.True(status.Running);
            Assert.Equal(session, status.Session);
            Assert.Equal($"http://127.0.0.1:{first.Port}", status.ProxyUrl);
            Assert.Equal(1, status.EventsCaptured);
            Assert.Contains("api.anthropic.com", status.InterceptHosts);
            Assert.Equal(Path.Combine(module.Home, "usage.db"), status.DatabasePath);
            Assert.True(File.Exists(status.CaCertificatePath));
            Assert.True(status.EnvironmentApplied);
        }
        finally
        {
            Stop();
        }

        var stopped = module.Run("Get-Tokentap").Single<TokentapStatus>();
        Assert.False(stopped.Running);
        Assert.Throws<System.Net.Sockets.SocketException>(() => new System.Net.Sockets.TcpClient("127.0.0.1", first.Port).Dispose());
        Assert.Empty(Directory.GetFiles(Path.Combine(module.Home, "run"), $"{Environment.ProcessId}-*.json"));
    }

    [Fact]
    public void Stop_reports_what_the_session_captured()
    {
        var session = NewSession();
        StartStatus(session);
        Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
        Curl("https://api.openai.com/v1/chat/completions", """{"model":"gpt-4.1-mini","messages":[]}""");

        var report = module.Run("Stop-Tokentap").Single<TokentapSessionReport>();

        Assert.Equal(session, report.Session);
        Assert.Equal(2, report.Requests);
        Assert.Equal(1007 + 200, report.InputTokens);
        Assert.Equal(53 + 300, report.OutputTokens);
        Assert.Equal(2001 + 1000, report.CacheReadTokens);
        Assert.Equal(302, report.CacheWriteTokens);
        // gpt-4.1-mini: $0.40 input, $0.10 cached input, $1.60 output per million.
        Assert.Equal(0.00577605m + 0.00066m, report.Cost);
    }

    [Fact]
    public void A_query_typed_right_after_a_call_includes_it_while_the_proxy_still_runs()
    {
        var session = Start();
        try
        {
            for (var call = 1; call <= 5; call++)
            {
                Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""");

                Assert.Equal(call, module.Run("@(Get-TokenUsage -Session $args[0]).Count", session).Single<int>());
                Assert.Equal(call, module.Run("(Get-TokenUsageSummary -Session $args[0]).Requests", session).Single<long>());
            }
        }
        finally
        {
            Stop();
        }
    }

    [Fact]
    public void Default_port_moves_to_the_next_free_one_and_says_so()
    {
        using var blocker = TryOccupy(8080);
        var result = module.Run("Start-Tokentap -UpstreamOverride $args[0] -NoEnvironment -PassThru", Overrides());
        try
        {
            var status = result.Single<TokentapStatus>();
            Assert.NotEqual(8080, status.Port);
            Assert.InRange(status.Port, 8081, 8180);
            Assert.Contains(result.Warnings, w => w.StartsWith($"Port 8080 is in use; Tokentap listens on port {status.Port}", StringComparison.Ordinal));
        }
        finally
        {
            Stop();
        }
    }

    [Fact]
    public void An_explicit_port_that_is_taken_is_a_clear_error()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;

        var result = module.Run("Start-Tokentap -Port $args[0] -NoEnvironment", port);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("PortInUse,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.False(module.Run("Get-Tokentap").Single<TokentapStatus>().Running);
    }

    [Fact]
    public void Get_TokentapEnvironment_prints_the_session_variables_for_other_shells()
    {
        var status = StartStatus(NewSession());
        try
        {
            var objects = module.Run("Get-TokentapEnvironment").Objects<TokentapEnvironmentVariable>();
            var posix = module.Run("Get-TokentapEnvironment -Format Posix").Single<string>();
            var pwsh = module.Run("Get-TokentapEnvironment PowerShell").Single<string>();

            Assert.Equal(12, objects.Count);
            Assert.Contains(new TokentapEnvironmentVariable("HTTPS_PROXY", status.ProxyUrl!, "Proxy for https:// requests (Claude Code, Codex, Gemini CLI, curl, Python)."), objects);
            Assert.Contains($"export HTTPS_PROXY='{status.ProxyUrl}'\n", posix, StringComparison.Ordinal);
            // What Start-Tokentap set: the bundle, or the user's SSL_CERT_FILE merged with the CA where the machine sets one.
            Assert.Contains($"$env:CODEX_CA_CERTIFICATE = '{Environment.GetEnvironmentVariable("CODEX_CA_CERTIFICATE")}'\n", pwsh, StringComparison.Ordinal);
        }
        finally
        {
            Stop();
        }

        var other = module.Run("Get-TokentapEnvironment -Format DotEnv -Port 9999").Single<string>();
        var notRunning = module.Run("Get-TokentapEnvironment");
        Assert.Contains("HTTPS_PROXY=http://127.0.0.1:9999\n", other, StringComparison.Ordinal);
        Assert.StartsWith("NotRunning,", Assert.Single(notRunning.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_TokentapCommand_tags_app_project_and_a_run_session_and_passes_the_exit_code()
    {
        var session = Start(environment: false);
        try
        {
            var ok = module.Run(
                "Invoke-TokentapCommand curl -PassThru -- -sS --json $args[0] https://api.anthropic.com/v1/messages; $LASTEXITCODE",
                """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
            var failed = module.Run("Invoke-TokentapCommand -Command curl -ArgumentList '-sSf', 'https://api.anthropic.com/v1/nowhere' -App my-script -Project demo; $LASTEXITCODE");

            // A hosted pipeline's output is captured, so curl's response comes down it as a string, as a native
            // command's would, before the report.
            Assert.Equal(3, ok.ThrowIfFailed().Output.Count);
            Assert.Contains("\"output_tokens\":53", Assert.IsType<string>(ok.Output[0].BaseObject), StringComparison.Ordinal);
            var report = Assert.IsType<TokentapSessionReport>(ok.Output[1].BaseObject);
            Assert.Equal(0, ok.Output[2].BaseObject);
            Assert.Equal(0, report.ExitCode);
            Assert.Equal(1, report.Requests);
            Assert.Equal(0.00577605m, report.Cost);
            Assert.Contains(ok.Information, i => i.StartsWith("curl: 1 request, 1,007 in, 53 out, 2,001 cache read, 302 cache write, $0.0058", StringComparison.Ordinal));
            Assert.Equal(22, failed.Output.Last().BaseObject);

            var run = module.Run("Get-TokenUsage -App curl -Session $args[0]", report.Session).Single<UsageEvent>();
            Assert.StartsWith("run-curl-", run.Session, StringComparison.Ordinal);
            Assert.Equal(module.Run("$PWD.ProviderPath").Single<string>(), run.Project);
            Assert.Equal(1007, run.InputTokens);
            Assert.Empty(module.Run("Get-TokenUsage -Session $args[0]", session).Output);
        }
        finally
        {
            Stop();
        }
    }

    [Fact]
    public void Remove_TokenUsage_WhatIf_removes_nothing_and_then_removes_exactly_the_matching_events()
    {
        var keep = Start();
        Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
        Stop();
        var drop = Start();
        for (var i = 0; i < 3; i++)
        {
            Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
        }

        Stop();
        var future = DateTime.Now.AddMinutes(5);

        var whatIf = module.Run("Remove-TokenUsage -Before $args[0] -Session $args[1] -WhatIf", future, drop).ThrowIfFailed();
        Assert.Equal(3, Events(drop).Count);
        var piped = module.Run("Get-TokenUsage -Session $args[0] -Last 1 | Remove-TokenUsage -Confirm:$false", drop).ThrowIfFailed();
        Assert.Equal(2, Events(drop).Count);
        module.Run("Remove-TokenUsage -Before $args[0] -Session $args[1] -Confirm:$false", future, drop).ThrowIfFailed();

        Assert.Empty(whatIf.Output);
        Assert.Empty(piped.Output);
        Assert.Empty(Events(drop));
        Assert.Single(Events(keep));
    }

    [Fact]
    public void Summary_groups_in_the_engine_with_exact_totals()
    {
        var session = Start();
        Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
        Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
        Curl("https://api.openai.com/v1/chat/completions", """{"model":"gpt-4.1-mini","messages":[]}""");
        Stop();

        var rows = module.Run("Get-TokenUsageSummary -By Provider, Model -Session $args[0]", session).Objects<UsageSummaryRow>();

        Assert.Equal(2, rows.Count);
        var anthropic = rows.Single(r => r.Provider == "anthropic");
        Assert.Equal((2L, 2014L, 106L, 0.0115521m), (anthropic.Requests, anthropic.InputTokens, anthropic.OutputTokens, anthropic.Cost!.Value));
        var openai = rows.Single(r => r.Provider == "openai");
        Assert.Equal((1L, MockProviders.ChatModel, 200L, 0.00066m), (openai.Requests, openai.Model, openai.InputTokens, openai.Cost!.Value));
    }

    [Fact]
    public void A_model_without_a_price_has_a_null_cost_and_the_next_command_warns_once()
    {
        // The notice is drained by whichever cmdlet runs first after the event was priced, so collect every warning.
        var warnings = new List<string>();
        var session = Start();
        try
        {
            Curl("https://api.openai.com/v1/chat/completions", """{"model":"unpriced-e2e-model","messages":[]}""");
            TokentapStatus status;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            do
            {
                var run = module.Run("Get-Tokentap");
                warnings.AddRange(run.Warnings);
                status = run.Single<TokentapStatus>();
            }
            while (status.EventsCaptured == 0 && DateTime.UtcNow < deadline && Sleep());

            Assert.Contains("unpriced-e2e-model", status.UnpricedModels);
        }
        finally
        {
            var stop = module.Run("if ((Get-Tokentap).Running) { $null = Stop-Tokentap }");
            stop.ThrowIfFailed();
            warnings.AddRange(stop.Warnings);
        }

        var all = module.Run("Get-TokenUsage -Session $args[0]", session);
        warnings.AddRange(all.Warnings);
        var again = module.Run("Get-TokenUsage -Session $args[0]", session);

        var usage = Assert.Single(all.Objects<UsageEvent>());
        Assert.Equal(("unpriced-e2e-model", 200L, (decimal?)null), (usage.Model, usage.InputTokens, usage.Cost));
        Assert.Single(warnings, w => w.Contains("No price known for model 'unpriced-e2e-model'", StringComparison.Ordinal));
        Assert.Empty(again.Warnings);

        static bool Sleep()
        {
            Thread.Sleep(20);
            return true;
        }
    }

    [Fact]
    public void Model_app_and_session_tab_complete_from_the_store()
    {
        var session = Start();
        Curl(AnthropicSse, """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""");
        Stop();

        string[] Complete(string line) => module.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object { $_.CompletionText }", line)
            .ThrowIfFailed().Output.Select(o => (string)o.BaseObject).ToArray();

        Assert.Equal(new[] { MockProviders.AnthropicModel }, Complete("Get-TokenUsage -Model claude-sonnet-4-5-2"));
        Assert.Contains("curl", Complete("Get-TokenUsageSummary -App cu"));
        Assert.Contains(session, Complete("Remove-TokenUsage -Before 1/1/2030 -Session " + session[..10]));
    }

    [Fact]
    public void Get_Help_Start_Tokentap_Examples_works()
    {
        var examples = module.Run("(Get-Help Start-Tokentap -Examples).examples.example | ForEach-Object { $_.code }").ThrowIfFailed();

        Assert.True(examples.Output.Count >= 2);
        Assert.Contains(examples.Output, o => ((string)o.BaseObject).Contains("Start-Tokentap", StringComparison.Ordinal));
    }

    private string NewSession() => "e2e-" + Guid.NewGuid().ToString("N")[..12];

    private Hashtable Overrides()
    {
        var overrides = new Hashtable();
        foreach (var (host, uri) in Providers.Overrides)
        {
            overrides[host] = uri.ToString();
        }

        return overrides;
    }

    private string Start(bool environment = true)
    {
        var session = NewSession();
        StartStatus(session, environment);
        return session;
    }

    private TokentapStatus StartStatus(string session, bool environment = true) =>
        module.Run(
            "Start-Tokentap -Port 0 -Session $args[0] -UpstreamOverride $args[1] -UpstreamCaFile $args[2] -PassThru -NoEnvironment:$args[3]",
            session,
            Overrides(),
            Providers.Authority.PemPath,
            !environment).Single<TokentapStatus>();

    private void Stop() => module.Run("if ((Get-Tokentap).Running) { $null = Stop-Tokentap }").ThrowIfFailed();

    private List<UsageEvent> Events(string session) =>
        module.Run("Get-TokenUsage -Session $args[0]", session).ThrowIfFailed().Objects<UsageEvent>().ToList();

    /// <summary>curl with the session's variables (HTTPS_PROXY and CURL_CA_BUNDLE come from Start-Tokentap).</summary>
    private static string Curl(string url, string body)
    {
        var result = ChildProcess.Run("curl", new[] { "-sS", "--json", body, url });
        Assert.True(result.ExitCode == 0, $"curl failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    private static IDisposable? TryOccupy(int port)
    {
        try
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return listener;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
