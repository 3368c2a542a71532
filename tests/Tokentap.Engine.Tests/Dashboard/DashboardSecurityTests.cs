// The dashboard refuses what it must: no token, a wrong token, a foreign Host, changing methods; it grants no CORS.
namespace Tokentap.Engine.Tests.Dashboard;

public sealed class DashboardSecurityTests : IDisposable
{
    private readonly DashboardFixture _dashboard = new(seed: false);

    public void Dispose() => _dashboard.Dispose();

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/overview")]
    [InlineData("/api/live")]
    public async Task Without_the_token_or_its_cookie_every_path_is_401(string path)
    {
        var response = await RawHttp.SendAsync(_dashboard.Port, "GET", path, _dashboard.Host);

        Assert.Equal(401, response.Status);
        Assert.Equal("Open the address Show-TokenUsageDashboard printed (it carries the token).\n", response.Body);
    }

    [Fact]
    public async Task A_wrong_token_in_the_url_or_the_cookie_is_refused()
    {
        var wrongUrl = await RawHttp.SendAsync(_dashboard.Port, "GET", "/?token=" + new string('0', 64), _dashboard.Host);
        var wrongCookie = await RawHttp.SendAsync(_dashboard.Port, "GET", "/api/overview", _dashboard.Host, $"Cookie: tokentap_dashboard_{_dashboard.Port}={new string('0', 64)}");
        var otherPortsCookie = await RawHttp.SendAsync(_dashboard.Port, "GET", "/api/overview", _dashboard.Host, $"Cookie: tokentap_dashboard_1={DashboardFixture.Token}");

        Assert.Equal(403, wrongUrl.Status);
        Assert.Null(wrongUrl.Header("Set-Cookie"));
        Assert.Equal(401, wrongCookie.Status);
        Assert.Equal(401, otherPortsCookie.Status);
    }

    [Fact]
    public async Task The_token_becomes_an_HttpOnly_SameSite_Strict_cookie_and_leaves_the_address()
    {
        var response = await RawHttp.SendAsync(_dashboard.Port, "GET", $"/?view=models&token={DashboardFixture.Token}&range=7d", _dashboard.Host);

        Assert.Equal(303, response.Status);
        Assert.Equal("/?view=models&range=7d", response.Header("Location"));
        Assert.Equal($"tokentap_dashboard_{_dashboard.Port}={DashboardFixture.Token}; Path=/; HttpOnly; SameSite=Strict", response.Header("Set-Cookie"));

        var page = await RawHttp.SendAsync(_dashboard.Port, "GET", "/?view=models&range=7d", _dashboard.Host, $"Cookie: other=1; tokentap_dashboard_{_dashboard.Port}={DashboardFixture.Token}");
        Assert.Equal(200, page.Status);
        Assert.Equal("text/html; charset=utf-8", page.Header("Content-Type"));
    }

    [Theory]
    [InlineData("evil.example:{0}")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:1")]
    [InlineData("localhost.evil.example:{0}")]
    [InlineData(null)]
    public async Task A_Host_header_other_than_loopback_with_this_port_is_refused_even_with_the_cookie(string? host)
    {
        var response = await RawHttp.SendAsync(_dashboard.Port, "GET", "/api/overview", host is null ? null : string.Format(host, _dashboard.Port), _dashboard.Cookie);

        Assert.Equal(421, response.Status);
        Assert.DoesNotContain("requests", response.Body);
    }

    [Theory]
    [InlineData("127.0.0.1:{0}")]
    [InlineData("localhost:{0}")]
    [InlineData("LOCALHOST:{0}")]
    [InlineData("[::1]:{0}")]
    public async Task Loopback_hosts_with_the_port_are_served(string host)
    {
        var response = await RawHttp.SendAsync(_dashboard.Port, "GET", "/api/overview?tz=UTC", string.Format(host, _dashboard.Port), _dashboard.Cookie);

        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task Every_method_but_GET_and_HEAD_is_405_even_with_the_cookie(string method)
    {
        var response = await RawHttp.SendAsync(_dashboard.Port, method, "/api/overview", _dashboard.Host, _dashboard.Cookie, "Origin: https://evil.example", "Access-Control-Request-Method: GET", "Content-Length: 0");

        Assert.Equal(405, response.Status);
        Assert.Equal("GET, HEAD", response.Header("Allow"));
        Assert.DoesNotContain(response.HeaderNames, n => n.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_cross_origin_request_gets_no_CORS_header_and_every_answer_carries_the_strict_policy()
    {
        var response = await _dashboard.GetAsync("/api/overview?tz=UTC", "Origin: https://evil.example");

        Assert.Equal(200, response.Status);
        Assert.DoesNotContain(response.HeaderNames, n => n.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            response.Header("Content-Security-Policy"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        Assert.Equal("DENY", response.Header("X-Frame-Options"));
    }

    [Theory]
    [InlineData("/", "text/html; charset=utf-8", "<title>Tokentap</title>")]
    [InlineData("/app.js", "text/javascript; charset=utf-8", "'use strict';")]
    [InlineData("/app.css", "text/css; charset=utf-8", "prefers-color-scheme: dark")]
    [InlineData("/icon.svg", "image/svg+xml", "<svg xmlns=")]
    public async Task Embedded_assets_are_served_with_their_content_types(string path, string contentType, string excerpt)
    {
        var response = await _dashboard.GetAsync(path);

        Assert.Equal(200, response.Status);
        Assert.Equal(contentType, response.Header("Content-Type"));
        Assert.Contains(excerpt, response.Body);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(response.Body).ToString(), response.Header("Content-Length"));
    }

    [Fact]
    public async Task The_page_has_no_inline_script_or_style_for_the_policy_to_block()
    {
        var page = (await _dashboard.GetAsync("/")).Body;

        Assert.DoesNotContain("<script>", page);
        Assert.DoesNotContain("style=", page);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", page);
        Assert.Contains("<script src=\"/app.js\" defer></script>", page);
    }

    [Fact]
    public async Task Unknown_paths_are_404_and_a_bad_filter_is_400_with_the_reason()
    {
        var missing = await _dashboard.GetAsync("/etc/passwd");
        var badRange = await _dashboard.GetAsync("/api/overview?range=forever");
        var badZone = await _dashboard.GetAsync("/api/overview?tz=Mars/Olympus");

        Assert.Equal(404, missing.Status);
        Assert.Equal(400, badRange.Status);
        Assert.Equal("{\"error\":\"Unknown range \\u0027forever\\u0027; use one of today, 24h, 7d, 30d, 90d, all.\"}", badRange.Body);
        Assert.Equal(400, badZone.Status);
    }

    [Fact]
    public async Task A_head_without_a_request_line_is_400_and_the_server_goes_on()
    {
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", _dashboard.Port);
            await client.GetStream().WriteAsync("garbage\r\n\r\n"u8.ToArray());
            using var reader = new StreamReader(client.GetStream());
            Assert.Equal("HTTP/1.1 400 Bad Request", await reader.ReadLineAsync());
        }

        Assert.Equal(200, (await _dashboard.GetAsync("/app.css")).Status);
        Assert.Equal(0, _dashboard.Server.Failures);
    }
}
