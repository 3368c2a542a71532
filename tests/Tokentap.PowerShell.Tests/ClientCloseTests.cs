// A client that read the whole response and then closed is not a failed request: curl runs piped into
// Select-Object -First 1 through Start-Tokentap's session variables leave nothing for Get-TokenUsage -Status Error.
using System.Collections;
using Tokentap;
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ClientCloseTests(ModuleFixture module, MockProvidersFixture mocks) : IClassFixture<MockProvidersFixture>
{
    private const int Runs = 20;
    private const int RequestsPerRun = 3;

    [Fact]
    public async Task Curl_runs_piped_into_select_object_first_record_only_successful_requests()
    {
        // An upstream of its own with unique ids: events with ids other tests' mocks also used would be deduplicated.
        using var certificate = mocks.Providers.Authority.IssueServerCertificate(new[] { "localhost" });
        await using var upstream = await MockUpstream.StartAsync(certificate);
        upstream.Map("POST", "/v1/messages", context =>
        {
            var id = Guid.NewGuid().ToString("N");
            var json = "{\"id\":\"msg_close_" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":53}}";
            return MockResponses.Json(json, 200, ("request-id", "req_close_" + id))(context);
        });
        var session = "close-" + Guid.NewGuid().ToString("N")[..12];
        var overrides = new Hashtable { ["api.anthropic.com"] = upstream.BaseUri.ToString() };

        IReadOnlyList<string> firstLines;
        try
        {
            module.Run(
                "Start-Tokentap -Port 0 -Session $args[0] -UpstreamOverride $args[1] -UpstreamCaFile $args[2]",
                session,
                overrides,
                mocks.Providers.Authority.PemPath).ThrowIfFailed();

            // One curl per run sends three requests on one connection and closes it after the last response.
            firstLines = module.Run(
                """
                $url = 'https://api.anthropic.com/v1/messages'
                $body = '{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}'
                foreach ($run in 1..$args[0]) {
                    curl -sS --json $body $url $url $url | Select-Object -First 1
                }
                """,
                Runs).ThrowIfFailed().Objects<string>();
        }
        finally
        {
            module.Run("if ((Get-Tokentap).Running) { $null = Stop-Tokentap }").ThrowIfFailed();
        }

        Assert.Equal(Runs, firstLines.Count);
        Assert.All(firstLines, line => Assert.Contains("\"output_tokens\":53", line, StringComparison.Ordinal));
        var failed = module.Run("Get-TokenUsage -Session $args[0] -Status Error", session).ThrowIfFailed().Objects<UsageEvent>();
        Assert.True(failed.Count == 0, "failed: " + string.Join("; ", failed.Select(e => e.Error)));
        var recorded = module.Run("Get-TokenUsage -Session $args[0]", session).ThrowIfFailed().Objects<UsageEvent>();
        Assert.Equal(Runs * RequestsPerRun, recorded.Count);
        Assert.All(recorded, e => Assert.Equal(53, e.OutputTokens));
    }
}
