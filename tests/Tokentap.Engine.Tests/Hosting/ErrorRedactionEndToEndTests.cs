// An upstream that echoes the request's credentials in a 4xx error, through the real proxy into the store: none is kept.
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Usage;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Hosting;

public sealed class ErrorRedactionEndToEndTests
{
    private const string Marker = "echo-marker-4711";

    // Each credential shape; the last three have no known shape and are caught only as the request's own values.
    private static readonly string[] Secrets =
    {
        "sk-proj-Q2x7Lm9Pz4Rt8Vw1Ka6Nb3Hc5Jd0Fe",
        "sk-ant-api03-Tq9Wm2Xr7Lp4Zk8Vn1Bc6Hd3Jf5Gs0Ya",
        "AIzaSyD4kL9mN2pQ7rS1tU8vW3xY6zA0bC5dE9f",
        "AIzaSyQueryKey7rS1tU8vW3xY6zA0bC5dE9fGh",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLWJ5dGVz",
        "AKIAIOSFODNN7EXAMPLE",
        "gho_Bearer9Body8Token7Only6In5Body4Text3x",
        "f3c9a1e07d6b4c2a9e51",
        "Zq8xK2s3ss10nVal",
        "q7Rt5Lp2Wm9xTicket",
    };

    [Fact]
    public async Task Credentials_echoed_in_an_upstream_error_are_redacted_before_anything_is_written()
    {
        var home = Directory.CreateTempSubdirectory("tt-redaction-e2e-").FullName;
        using var upstreamAuthority = new TestCertificateAuthority("Redaction E2E Upstream Root");
        await using var upstream = await MockUpstream.StartAsync(upstreamAuthority.IssueServerCertificate(new[] { "localhost" }));
        upstream.Map("POST", "/v1/chat/completions", async context =>
        {
            // A gateway that repeats the whole request, headers, query and body, in its error message.
            var request = context.Request;
            var echoed = new StringBuilder($"{Marker} invalid request {request.Method} {request.PathAndQuery}");
            foreach (var (name, value) in request.Headers)
            {
                echoed.Append($" {name}: {value};");
            }

            echoed.Append(" body: ").Append(request.BodyText);
            var json = JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", message = echoed.ToString() } });
            context.Status(400).Header("Content-Type", "application/json");
            await context.WriteAsync(json);
        });

        UsageEvent recorded;
        try
        {
            using (var runtime = new TokentapRuntime(new TokentapPaths(home), new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) }))
            {
                var listener = await runtime.StartListenerAsync(new ListenerRequest
                {
                    UpstreamOverrides = new Dictionary<string, Uri> { ["api.openai.com"] = upstream.BaseUri },
                    UpstreamCaFile = upstreamAuthority.PemPath,
                });
                using var client = TestClients.Create(new Uri(listener.ProxyUrl), new[] { listener.Authority.Certificate });
                using var message = new HttpRequestMessage(HttpMethod.Post, $"https://api.openai.com/v1/chat/completions?key={Secrets[3]}&ticket={Secrets[9]}&alt=sse")
                {
                    Content = new StringContent(
                        $"{{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":\"jwt {Secrets[4]} aws {Secrets[5]} Bearer {Secrets[6]}\"}}]}}",
                        Encoding.UTF8,
                        "application/json"),
                };
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secrets[0]);
                message.Headers.Add("x-api-key", Secrets[1]);
                message.Headers.Add("x-goog-api-key", Secrets[2]);
                message.Headers.Add("api-key", Secrets[7]);
                message.Headers.Add("Cookie", $"theme=dark; session={Secrets[8]}");
                using var response = await client.SendAsync(message);
                var answer = await response.Content.ReadAsStringAsync();

                // The client still gets the upstream's answer untouched.
                Assert.Equal(400, (int)response.StatusCode);
                Assert.All(Secrets, s => Assert.Contains(s, answer, StringComparison.Ordinal));
                recorded = await PollAsync(runtime);
            }

            Assert.Equal(400, recorded.StatusCode);
            Assert.NotNull(recorded.Error);
            Assert.StartsWith($"invalid_request_error: {Marker} invalid request POST /v1/chat/completions?key=[redacted]&ticket=[redacted]&alt=sse", recorded.Error, StringComparison.Ordinal);
            Assert.Contains("Bearer [redacted]", recorded.Error, StringComparison.Ordinal);
            Assert.True(recorded.Error!.Length <= 500, $"error text of {recorded.Error.Length} characters");
            Assert.All(Secrets, s => Assert.DoesNotContain(s, recorded.Error, StringComparison.Ordinal));

            // LiteDB pages and its log are plain bytes, and UsageChunkCodec keeps strings as uncompressed UTF-8: the
            // marker that sits beside the secrets in the error text must be found, the secrets must not.
            var files = Directory.GetFiles(home, "*", SearchOption.AllDirectories);
            Assert.Contains(files, f => Contains(File.ReadAllBytes(f), Marker));
            foreach (var secret in Secrets)
            {
                Assert.Equal(Array.Empty<string>(), files.Where(f => Contains(File.ReadAllBytes(f), secret)).ToArray());
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static bool Contains(byte[] data, string text) =>
        data.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || data.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0;

    private static async Task<UsageEvent> PollAsync(TokentapRuntime runtime)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var events = runtime.Store.Query(UsageFilter.All).ToList();
            if (events.Count > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(events);
            }

            await Task.Delay(20);
        }
    }
}
