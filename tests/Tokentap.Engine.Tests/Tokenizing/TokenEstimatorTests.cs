// Token counting for Measure-TokenCount and estimates: encodings by name or model, JSON request text.
using System.Text;
using Tokentap.Engine.Tokenizing;

namespace Tokentap.Engine.Tests.Tokenizing;

public sealed class TokenEstimatorTests
{
    private readonly TokenEstimator _estimator = TokenEstimator.Shared;

    [Theory]
    [InlineData("Hello, world!", "o200k_base", 4)]
    [InlineData("Hello, world!", "cl100k_base", 4)]
    [InlineData("", "o200k_base", 0)]
    public void Counts_tokens_for_an_encoding(string text, string encoding, int expected)
    {
        Assert.Equal(expected, _estimator.CountTokens(text, encoding));
    }

    [Fact]
    public void The_encodings_differ_where_their_vocabularies_do()
    {
        const string text = "Schreib mir ein Gedicht über Köln und die Domplatte.";
        Assert.NotEqual(_estimator.CountTokens(text, "o200k_base"), _estimator.CountTokens(text, "cl100k_base"));
        Assert.Equal(_estimator.CountTokens(text, "cl100k_base"), _estimator.CountTokens(text, "gpt-4"));
        Assert.Equal(_estimator.CountTokens(text, "o200k_base"), _estimator.CountTokens(text, "gpt-4o"));
    }

    [Theory]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-0613", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("gpt-35-turbo", "cl100k_base")]
    [InlineData("text-embedding-3-small", "cl100k_base")]
    [InlineData("openai/gpt-4", "cl100k_base")]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini", "o200k_base")]
    [InlineData("gpt-4.1", "o200k_base")]
    [InlineData("gpt-5.4", "o200k_base")]
    [InlineData("o3", "o200k_base")]
    [InlineData("claude-opus-4-8", "o200k_base")]
    [InlineData("gemini-2.5-pro", "o200k_base")]
    [InlineData(null, "o200k_base")]
    public void Models_map_to_their_encoding(string? model, string encoding)
    {
        Assert.Equal(encoding, TokenEstimator.EncodingForModel(model));
    }

    [Theory]
    [InlineData("O200K_BASE", "o200k_base")]
    [InlineData("cl100k_base", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    public void Names_resolve_as_encoding_or_model(string name, string encoding)
    {
        Assert.Equal(encoding, TokenEstimator.ResolveEncoding(name));
    }

    [Fact]
    public void Json_request_text_counts_prompt_strings_and_skips_ids_and_binary_data()
    {
        var body = """
        {"model":"claude-opus-4-8","max_tokens":1024,"system":"You are a careful reviewer.",
         "messages":[{"role":"user","content":[
           {"type":"text","text":"Review this diff."},
           {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"}},
           {"type":"tool_result","tool_use_id":"toolu_01","content":"ok"}]}],
         "tools":[{"name":"read_file","description":"Reads a file.","input_schema":{"type":"object"}}],
         "metadata":{"user_id":"u1"}}
        """;
        var expected = new[] { "You are a careful reviewer.", "Review this diff.", "ok", "read_file", "Reads a file.", "u1" }
            .Sum(s => _estimator.CountTokens(s, "o200k_base"));

        Assert.Equal(expected, _estimator.CountJsonText(Encoding.UTF8.GetBytes(body), "o200k_base"));
    }

    [Fact]
    public void Json_that_is_not_valid_falls_back_to_a_bytes_rule_of_thumb()
    {
        var broken = Encoding.UTF8.GetBytes("{\"messages\": [\"" + new string('a', 30) + " " + new string('b', 100));
        Assert.Equal(broken.Length / 4, _estimator.CountJsonText(broken, "o200k_base"));
    }
}
