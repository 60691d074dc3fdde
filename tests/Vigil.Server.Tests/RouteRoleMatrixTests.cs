using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Storage;

namespace Vigil.Server.Tests;

/// <summary>
/// Every route x every role, generated from the server's own endpoint table: a new endpoint without a
/// role rule fails here, and every route answers 401 without a key, 403 to a role it does not accept,
/// and neither to one it does, never a 5xx.
/// </summary>
public class RouteRoleMatrixTests : LiveServerTest
{
    /// <summary>The only routes that need no key, and why.</summary>
    private static readonly Dictionary<string, string> Anonymous = new()
    {
        ["/status"] = "load balancers poll it (HMA's contract)",
        ["/metrics"] = "Prometheus scrapes it; off unless --metrics, or on its own --metrics-urls listener",
        ["/review/login/once"] = "a one-time sign-in link's token opens one session for its key (failures count toward the failed-key limit)",
        ["/review/login"] = "the reviewer UI's sign-in form, where a key is exchanged for a session (failures count toward the failed-key limit)",
        ["/review/static/{name}"] = "the reviewer UI's one stylesheet and one script, the same for everyone",
    };

    [Fact]
    public async Task Every_route_has_a_role_rule_and_keeps_to_it()
    {
        var endpoints = Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count >= 25, $"only {endpoints.Count} endpoints found");
        await Store.Exchanges.AddExchangeAsync(new NewExchange("SAMPLES", "stopncii", "SAMPLES"), DateTimeOffset.UtcNow);
        var keys = new Dictionary<ApiKeyRole, string>();
        foreach (var role in Enum.GetValues<ApiKeyRole>())
            keys[role] = await KeyAsync(role);

        var failures = new List<string>();
        var routes = new List<(string Method, string Path, RequiresRole? Rule)>();
        foreach (var endpoint in endpoints)
        {
            string pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var rule = endpoint.Metadata.GetMetadata<RequiresRole>();
            if (rule is null && !Anonymous.ContainsKey(pattern))
                failures.Add($"{pattern} declares no RequiresRole and is not one of the anonymous routes");
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (string method in methods)
                routes.Add((method, Fill(pattern), rule));
        }
        // Deletes last, so that the bank the other routes name is still there for them.
        routes = [.. routes.OrderBy(r => r.Method == "DELETE")];

        foreach (var (method, path, rule) in routes)
        {
            foreach (var role in Enum.GetValues<ApiKeyRole>().Prepend((ApiKeyRole)(-1)))
            {
                bool noKey = (int)role < 0;
                using var response = await SendAsync(new HttpMethod(method), path, noKey ? null : keys[role], method is "POST" or "PUT" ? "{}" : null);
                int status = (int)response.StatusCode;
                // A 403 for another reason (a URL outside the allow-list, say) is not a role refusal.
                bool roleRefused = status == 403 && (await response.Content.ReadAsStringAsync()).Contains("\"role not allowed\"");
                string who = noKey ? "no key" : role.ToString();
                // 503 is a deliberate answer (private matching not configured, index loading); anything else 5xx is a fault.
                if (status >= 500 && status != 503)
                    failures.Add($"{method} {path} as {who}: {status}");
                if (rule is null)
                {
                    if (status is 401 or 403)
                        failures.Add($"{method} {path} needs no key but answered {who} {status}");
                    continue;
                }
                bool allowed = !noKey && (role == ApiKeyRole.Admin || rule.Roles.Contains(role));
                int? expected = noKey ? 401 : allowed ? null : 403;
                if (expected is { } e && (status != e || (e == 403 && !roleRefused)))
                    failures.Add($"{method} {path} as {who}: expected {e}, got {status}");
                if (expected is null && (status == 401 || roleRefused))
                    failures.Add($"{method} {path} as {who}: the role is accepted but the answer was {status}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Review's routes as docs/review.md states them: the one role besides admin that may use each, the body that
    /// role sends, and the answer it gets on a fresh hash-matched case it has not claimed ({id} and {item} are that case's).
    /// </summary>
    private static readonly Dictionary<(string Method, string Route), (ApiKeyRole Role, string? Body, int Answer)> ReviewRoutes = new()
    {
        [("POST", "/v1/cases")] = (ApiKeyRole.Submitter, $$$"""{"subject":"user-2","signals":{"pdq":"{{{BridgePdq}}}"}}""", 201),
        [("GET", "/v1/cases")] = (ApiKeyRole.Reviewer, null, 200),
        [("GET", "/v1/cases/{id}")] = (ApiKeyRole.Reviewer, null, 200),
        [("POST", "/v1/cases/claim")] = (ApiKeyRole.Reviewer, "{}", 200),
        // Not claimed, so not the caller's to release or decide.
        [("POST", "/v1/cases/{id}/release")] = (ApiKeyRole.Reviewer, "{}", 409),
        [("POST", "/v1/cases/{id}/items/{item}/decision")] = (ApiKeyRole.Reviewer, """{"verdict":"confirmed","classification":"A1"}""", 409),
        [("POST", "/v1/cases/{id}/decision")] = (ApiKeyRole.Reviewer, """{"verdict":"report"}""", 409),
        // Hashes only: the item has no media to show.
        [("GET", "/v1/cases/{id}/items/{item}/media")] = (ApiKeyRole.Reviewer, null, 404),
        [("GET", "/v1/cases/{id}/report")] = (ApiKeyRole.Reviewer, null, 404),
        [("POST", "/v1/conversations/{id}/messages")] = (ApiKeyRole.Submitter,
            """{"messages":[{"sender":"a","recipient":"b","time":"2026-12-01T16:00:00Z","text":"hello"}]}""", 200),
    };

    /// <summary>Every review route with every role and with no key ("none").</summary>
    public static TheoryData<string, string, string> ReviewRouteByRole()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (method, route) in ReviewRoutes.Keys)
        {
            foreach (string who in Enum.GetNames<ApiKeyRole>().Prepend("none"))
                data.Add(method, route, who);
        }
        return data;
    }

    [Fact]
    public void The_review_route_table_names_every_case_and_conversation_route()
    {
        var served = new HashSet<(string, string)>();
        foreach (var endpoint in Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // Route constraints ({id:long}) left out, as the table writes them.
            string route = System.Text.RegularExpressions.Regex.Replace("/" + endpoint.RoutePattern.RawText!.TrimStart('/'), @"\{([a-z_]+):[^}]*\}", "{$1}");
            if (route.StartsWith("/v1/cases", StringComparison.Ordinal) || route.StartsWith("/v1/conversations", StringComparison.Ordinal))
            {
                foreach (string method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
                    served.Add((method, route));
            }
        }
        Assert.Equal(served.Order(), ReviewRoutes.Keys.Order());
    }

    [Fact]
    public void The_action_outbox_routes_are_in_the_matrix_for_admins_only()
    {
        var endpoints = Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        foreach (string route in new[] { "/v1/actions/deliveries", "/v1/actions/deliveries/{id:long}/retry" })
        {
            var endpoint = Assert.Single(endpoints, e => "/" + e.RoutePattern.RawText!.TrimStart('/') == route);
            Assert.Equal([ApiKeyRole.Admin], endpoint.Metadata.GetMetadata<RequiresRole>()!.Roles);
        }
    }

    [Fact]
    public void The_report_routes_are_in_the_matrix_reviewers_read_and_admins_retry()
    {
        var endpoints = Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var expected = new (string Route, ApiKeyRole[] Roles)[]
        {
            ("/v1/reports", [ApiKeyRole.Reviewer]),
            ("/v1/reports/{id}", [ApiKeyRole.Reviewer]),
            ("/v1/cases/{id}/report", [ApiKeyRole.Reviewer]),
            ("/v1/reports/{id}/retry", [ApiKeyRole.Admin]),
            ("/review/reports", [ApiKeyRole.Reviewer]),
            ("/review/reports/{id:long}", [ApiKeyRole.Reviewer]),
            // The UI's Admins rule lists no role: admin is always accepted, and only admin.
            ("/review/reports/{id:long}/retry", []),
        };
        foreach (var (route, roles) in expected)
        {
            var endpoint = Assert.Single(endpoints, e => "/" + e.RoutePattern.RawText!.TrimStart('/') == route);
            Assert.Equal(roles, endpoint.Metadata.GetMetadata<RequiresRole>()!.Roles);
        }
    }

    [Fact]
    public void The_exchange_routes_are_in_the_matrix_for_curators_only()
    {
        var endpoints = Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var expected = new (string Route, string Method)[]
        {
            ("/c/exchanges", "GET"),
            ("/c/exchanges", "POST"),
            ("/c/exchange/{exchange_name}", "GET"),
            ("/c/exchange/{exchange_name}", "PUT"),
            ("/c/exchange/{exchange_name}", "DELETE"),
            ("/c/exchange/{exchange_name}/status", "GET"),
            ("/c/exchanges/apis", "GET"),
            ("/c/exchanges/api/{api_name}", "GET"),
            ("/c/exchanges/api/{api_name}", "POST"),
        };
        foreach (var (route, method) in expected)
        {
            var endpoint = Assert.Single(endpoints, e => "/" + e.RoutePattern.RawText!.TrimStart('/') == route
                && (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Contains(method));
            Assert.Equal([ApiKeyRole.Curator], endpoint.Metadata.GetMetadata<RequiresRole>()!.Roles);
        }
    }

    private string Fill(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*?([a-zA-Z_]+)[^}]*\}", m => m.Groups[1].Value switch
        {
            "bank_name" => "SAMPLES",
            "content_id" => BridgeId.ToString(),
            "id" or "item" => "1",
            "documentName" => "v1",
            // An exchange the role matrix adds, so that its routes reach their handlers.
            "exchange_name" => "SAMPLES",
            "api_name" => "ncmec",
            _ => "probe",
        });

    /// <summary>
    /// Review's routes x every role and no key, against the contract's table above rather than the endpoints' own
    /// metadata: a route given the wrong role fails here. One server serves every case (a server each would cost a
    /// second apiece); each case opens its own case first and uses keys of its own.
    /// </summary>
    public sealed class ReviewRoutesByRole(ReviewRoutesByRole.Server server) : IClassFixture<ReviewRoutesByRole.Server>
    {
        [Theory]
        [MemberData(nameof(ReviewRouteByRole), MemberType = typeof(RouteRoleMatrixTests))]
        public async Task Answer_401_without_a_key_403_to_other_roles_and_the_handler_to_their_role_and_admin(string method, string route, string who)
        {
            var (role, body, answer) = ReviewRoutes[(method, route)];
            // A subject of its own, so the case is new and open to claim.
            var opened = await JsonAsync(await server.SendAsync(HttpMethod.Post, "/v1/cases", await server.KeyAsync(ApiKeyRole.Submitter),
                $$$"""{"subject":"user-{{{Guid.NewGuid():N}}}","signals":{"pdq":"{{{BridgePdq}}}"}}"""));
            string path = route.Replace("{id}", opened.GetProperty("case_id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Replace("{item}", opened.GetProperty("item_id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            string? key = who == "none" ? null : await server.KeyAsync(Enum.Parse<ApiKeyRole>(who));

            using var response = await server.SendAsync(new HttpMethod(method), path, key, body);

            if (key is null)
                await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API key required");
            else if (who == nameof(ApiKeyRole.Admin) || who == role.ToString())
                Assert.True((int)response.StatusCode == answer, $"{method} {path} as {who}: expected {answer}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            else
                await AssertProblemAsync(response, HttpStatusCode.Forbidden, "role not allowed");
        }

        /// <summary>The one server, its key making and sending open to the cases.</summary>
        public sealed class Server : LiveServerTest
        {
            public new Task<string> KeyAsync(ApiKeyRole role) => base.KeyAsync(role);

            public new Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, string? json = null) => base.SendAsync(method, path, key, json);
        }
    }
}
