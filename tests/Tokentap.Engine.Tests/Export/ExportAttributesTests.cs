// What one event becomes on the wire: exact attribute values, the user name modes, and the settings' parsing.
using Tokentap.Engine.Export;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Export;

public sealed class ExportAttributesTests
{
    [Fact]
    public void The_user_name_is_sent_as_is_hashed_or_not_at_all()
    {
        Assert.Equal("alice", ExportAttributes.UserName(TokentapExportUser.On, "alice"));
        Assert.Equal("2bd806c97f0e00af", ExportAttributes.UserName(TokentapExportUser.Hashed, "alice"));
        Assert.Null(ExportAttributes.UserName(TokentapExportUser.Off, "alice"));
    }

    [Fact]
    public void A_failed_request_carries_its_status_and_error_type_but_never_its_error_text()
    {
        var attributes = ExportAttributes.ForLog(SampleEvents.E5).ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal("error", attributes["tokentap.status"]);
        Assert.Equal("429", attributes["error.type"]);
        Assert.Equal(429L, attributes["http.response.status_code"]);
        Assert.Equal(500L, attributes["gen_ai.usage.input_tokens"]);
        Assert.Equal(100L, attributes["gen_ai.usage.output_tokens"]);
        Assert.Equal(0.020, attributes["tokentap.cost.usd"]);
        Assert.Equal("generate_content", ExportAttributes.Operation("streamGenerateContent"));
        Assert.DoesNotContain(attributes.Values, v => v is string s && s.Contains("rate limited", StringComparison.Ordinal));
    }

    [Fact]
    public void Headers_parse_from_the_OTEL_form_and_endpoints_must_be_http_urls()
    {
        var headers = ExportSettings.ParseHeaders(["a=1,b=x%20y", "c = 3"]);

        Assert.Equal(["a", "b", "c"], headers.Keys.Order());
        Assert.Equal("x y", headers["b"]);
        Assert.Equal("3", headers["c"]);
        Assert.Throws<ArgumentException>(() => ExportSettings.ParseHeaders(["novalue"]));
        Assert.Equal("http://collector:4318", ExportSettings.NormalizeEndpoint("http://collector:4318/"));
        Assert.Throws<ArgumentException>(() => ExportSettings.NormalizeEndpoint("collector:4318"));
    }
}
