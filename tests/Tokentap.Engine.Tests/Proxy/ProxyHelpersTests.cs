// Small proxy rules: intercept matching, base-URL routes, Accept-Encoding narrowing, hop-by-hop lists.
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class ProxyHelpersTests
{
    [Theory]
    [InlineData("api.anthropic.com", true)]
    [InlineData("API.Anthropic.COM.", true)]
    [InlineData("myres.openai.azure.com", true)]
    [InlineData("a.b.openai.azure.com", true)]
    [InlineData("openai.azure.com", false)]
    [InlineData("xopenai.azure.com", false)]
    [InlineData("anthropic.com", false)]
    [InlineData("api.anthropic.com.evil.example", false)]
    [InlineData("", false)]
    public void Default_intercept_list_matches_exact_names_and_wildcard_subdomains(string host, bool intercepted)
    {
        Assert.Equal(intercepted, InterceptHostList.Default.Matches(host));
    }

    [Fact]
    public void User_additions_are_normalized_and_deduplicated()
    {
        var list = InterceptHostList.WithAdditions(new[] { " LLM.Example.COM. ", "api.openai.com", "*.Gateway.Example", "bücher.example" });

        Assert.Equal(InterceptHostList.DefaultPatterns.Count + 3, list.Patterns.Count);
        Assert.Equal(new[] { "llm.example.com", "*.gateway.example", "xn--bcher-kva.example" }, list.Patterns.TakeLast(3));
        Assert.True(list.Matches("llm.example.com"));
        Assert.True(list.Matches("x.gateway.example"));
    }

    [Theory]
    [InlineData("/anthropic/v1/messages?beta=true", "api.anthropic.com", "/v1/messages?beta=true")]
    [InlineData("/anthropic", "api.anthropic.com", "/")]
    [InlineData("/anthropic?x=1", "api.anthropic.com", "/?x=1")]
    [InlineData("/openai/v1/responses", "api.openai.com", "/v1/responses")]
    [InlineData("/gemini/v1beta/models/m:generateContent", "generativelanguage.googleapis.com", "/v1beta/models/m:generateContent")]
    [InlineData("/anthropicx/v1", null, null)]
    [InlineData("/v1/messages", null, null)]
    public void Base_url_prefixes_map_to_provider_hosts(string target, string? host, string? path)
    {
        var mapped = BaseUrlRoutes.TryMap(target, out var mappedHost, out var mappedPath);

        Assert.Equal(host is not null, mapped);
        if (mapped)
        {
            Assert.Equal(host, mappedHost);
            Assert.Equal(path, mappedPath);
        }
    }

    [Theory]
    [InlineData("gzip, deflate, br, zstd", "gzip, deflate, br")]
    [InlineData("zstd;q=1.0, gzip;q=0.5", "gzip;q=0.5")]
    [InlineData("br", "br")]
    [InlineData("zstd", null)]
    [InlineData("identity", "identity")]
    public void Accept_encoding_is_narrowed_to_decodable_codings(string value, string? narrowed)
    {
        Assert.Equal(narrowed, AcceptEncodingFilter.Narrow(value));
    }

    [Theory]
    [InlineData("Connection", null, false, true)]
    [InlineData("keep-alive", null, false, true)]
    [InlineData("Transfer-Encoding", null, false, true)]
    [InlineData("Upgrade", null, false, true)]
    [InlineData("Upgrade", null, true, false)]
    [InlineData("X-Listed", "keep-alive, x-listed", false, true)]
    [InlineData("Authorization", "keep-alive", false, false)]
    [InlineData("anthropic-ratelimit-tokens-remaining", null, false, false)]
    public void Hop_by_hop_fields_follow_rfc_9110(string name, string? connection, bool keepUpgrade, bool hopByHop)
    {
        Assert.Equal(hopByHop, HopByHopHeaders.IsHopByHop(name, connection, keepUpgrade));
    }
}
