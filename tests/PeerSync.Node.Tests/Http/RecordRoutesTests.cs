using System.Net;
using System.Text.Json.Nodes;
using PeerSync.Node.Tests.Http.Support;
using static PeerSync.Node.Tests.Http.Support.Problems;

namespace PeerSync.Node.Tests.Http;

/// <summary>The record routes of docs/http-api.md against the fake facade: shapes, names, bodies and their errors.</summary>
public sealed class RecordRoutesTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Put_stores_the_body_text_and_answers_the_write_result()
    {
        var answer = await _server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", """{"color": "blue", "n": [1, 2.5e3]}""");

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        AssertJson("""{"collection":"tags","key":"k1","version":"1740823200000.1","origin":"n1"}""", answer.Body);
        Assert.Equal(("tags", "k1", """{"color": "blue", "n": [1, 2.5e3]}"""), _server.Api.FakeRecords.LastPut);
    }

    [Fact]
    public async Task Get_answers_the_record_with_its_value_as_raw_json_and_deleted_false()
    {
        _server.Api.FakeRecords.Add("tags", "k1", """{"color":"blue","big":12345678901234567890}""");

        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records/k1");

        Assert.Equal(200, answer.Status);

        // Raw: a number beyond double precision comes back digit for digit.
        Assert.Equal(
            """{"collection":"tags","key":"k1","value":{"color":"blue","big":12345678901234567890},"version":"1740823200000.1","origin":"n2","deleted":false}""",
            answer.Body);
    }

    [Fact]
    public async Task Get_is_404_naming_the_record_when_it_is_absent()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records/k9");

        AssertProblem(answer, 404, "no record 'k9' in collection 'tags'");
    }

    [Fact]
    public async Task Delete_answers_the_tombstone_and_is_404_when_the_record_is_absent()
    {
        _server.Api.FakeRecords.Add("tags", "k1", "1");

        var deleted = await _server.SendAsync(HttpMethod.Delete, "/v1/collections/tags/records/k1");
        var again = await _server.SendAsync(HttpMethod.Delete, "/v1/collections/tags/records/k1");

        Assert.Equal(200, deleted.Status);
        AssertJson("""{"collection":"tags","key":"k1","version":"1740823200000.2","origin":"n1"}""", deleted.Body);
        AssertProblem(again, 404, "no record 'k1'");
    }

    [Fact]
    public async Task List_answers_items_in_key_order_with_next_and_passes_after_and_limit()
    {
        foreach (var key in new[] { "b", "a", "d", "c" })
        {
            _server.Api.FakeRecords.Add("tags", key, $"\"{key}\"");
        }

        var first = await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records?limit=2");
        var second = await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records?after=b&limit=2");

        Assert.Equal(200, first.Status);
        Assert.Equal(
            """{"items":[{"collection":"tags","key":"a","value":"a","version":"1740823200000.2","origin":"n2"},{"collection":"tags","key":"b","value":"b","version":"1740823200000.1","origin":"n2"}],"next":"b"}""",
            first.Body);
        Assert.Equal(["c", "d"], second.Json["items"]!.AsArray().Select(i => (string)i!["key"]!));
        Assert.Null(second.Json["next"]);
        Assert.True(second.Json.AsObject().ContainsKey("next"));
        Assert.Equal(("tags", "b", 2), _server.Api.FakeRecords.LastList);
    }

    [Fact]
    public async Task List_uses_limit_100_when_none_is_given()
    {
        await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records");

        Assert.Equal(("tags", (string?)null, 100), _server.Api.FakeRecords.LastList);
    }

    [Theory]
    [InlineData("limit=0", "limit '0' is not valid: use a whole number from 1 to 1000")]
    [InlineData("limit=1001", "limit '1001' is not valid")]
    [InlineData("limit=ten", "limit 'ten' is not valid")]
    [InlineData("limit=-5", "limit '-5' is not valid")]
    [InlineData("limit=5&limit=6", "the query parameter limit is given 2 times")]
    public async Task List_is_400_naming_the_range_when_limit_is_bad(string query, string detail)
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records?" + query);

        AssertProblem(answer, 400, detail);
    }

    [Fact]
    public async Task Digest_answers_collection_count_and_hash()
    {
        _server.Api.FakeRecords.Add("tags", "k1", "1");

        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/digest");

        Assert.Equal(200, answer.Status);
        AssertJson("""{"collection":"tags","count":1,"hash":"9f86d081884c7d65"}""", answer.Body);
    }

    [Theory]
    [InlineData("key%20with%20spaces%3A%2B", "key with spaces:+")]
    [InlineData("%2E%2E", "..")]
    [InlineData("%25", "%")]
    [InlineData("a+b", "a+b")]
    public async Task Keys_reach_the_facade_decoded_exactly_once(string escaped, string key)
    {
        var answer = await _server.SendAsync(HttpMethod.Put, $"/v1/collections/tags/records/{escaped}", "true");

        Assert.Equal(200, answer.Status);
        Assert.Equal(key, _server.Api.FakeRecords.LastPut!.Value.Key);
        Assert.Equal(key, (string?)answer.Json["key"]);
    }

    [Theory]
    [InlineData("a%2Fb", "key 'a/b' is not valid: a key is 1-512 characters of printable ASCII except '/', '?' and '#'; it contains '/' at position 2")]
    [InlineData("a%3Fb", "it contains '?' at position 2")]
    [InlineData("%23", "it contains '#' at position 1")]
    [InlineData("a%01", "key 'a\\u0001' is not valid")]
    [InlineData("caf%C3%A9", "it contains the non-ASCII character U+00E9 at position 4")]
    [InlineData("bad%ZZ", "the key in the path has a malformed escape at character 4")]
    [InlineData("%C3", "the key in the path is not valid UTF-8")]
    public async Task Put_is_400_naming_the_key_rule_when_the_key_is_bad(string escaped, string detail)
    {
        var answer = await _server.SendAsync(HttpMethod.Put, $"/v1/collections/tags/records/{escaped}", "1");

        AssertProblem(answer, 400, detail);
        Assert.Null(_server.Api.FakeRecords.LastPut);
    }

    [Fact]
    public async Task Put_is_400_when_the_key_is_longer_than_512_characters()
    {
        var answer = await _server.SendAsync(HttpMethod.Put, $"/v1/collections/tags/records/{new string('k', 513)}", "1");

        AssertProblem(answer, 400, "it has 513 characters");
    }

    [Theory]
    [InlineData("_tags", "collection name '_tags' is not valid: a collection name is 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit; it starts with '_'")]
    [InlineData("my%20tags", "it contains ' ' at position 3")]
    [InlineData("%2E%2E", "it starts with '.'")]
    public async Task Record_routes_are_400_naming_the_collection_rule_when_the_name_is_bad(string escaped, string detail)
    {
        var get = await _server.SendAsync(HttpMethod.Get, $"/v1/collections/{escaped}/records/k1");
        var list = await _server.SendAsync(HttpMethod.Get, $"/v1/collections/{escaped}/records");

        AssertProblem(get, 400, detail);
        AssertProblem(list, 400, detail);
    }

    [Fact]
    public async Task Collection_names_longer_than_64_characters_are_400()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, $"/v1/collections/{new string('c', 65)}/digest");

        AssertProblem(answer, 400, "it has 65 characters");
    }

    [Theory]
    [InlineData("{\"a\": 1,}", "the body is not valid JSON: line 1, byte 9:")]
    [InlineData("{\n  \"a\": tru\n}", "the body is not valid JSON: line 2, byte 11: 'tru\\u000A}' is an invalid JSON literal")]
    [InlineData("hello", "the body is not valid JSON: line 1, byte 1:")]
    [InlineData("1 2", "the body is not valid JSON: line 1, byte 3:")]
    [InlineData("", "the body is empty; send one JSON value")]
    [InlineData("  \n ", "the body is empty")]
    public async Task Put_is_400_naming_the_line_and_byte_when_the_body_is_not_one_json_value(string body, string detail)
    {
        var answer = await _server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", body);

        AssertProblem(answer, 400, detail);
        Assert.Null(_server.Api.FakeRecords.LastPut);
    }

    [Fact]
    public async Task Put_is_409_with_the_facade_message_when_another_node_owns_the_record()
    {
        _server.Api.FakeRecords.OwnedElsewhere.Add("locations/k1");

        var put = await _server.SendAsync(HttpMethod.Put, "/v1/collections/locations/records/k1", "1");
        var delete = await _server.SendAsync(HttpMethod.Delete, "/v1/collections/locations/records/k1");

        AssertProblem(put, 409, "record 'k1' of owned collection 'locations' belongs to node 'n2'");
        AssertProblem(delete, 409, "belongs to node 'n2'");
    }

    [Fact]
    public async Task Put_is_503_with_the_reason_while_the_node_is_not_ready()
    {
        _server.Api.FakeRecords.NotReadyReason = "backfilling from n2";

        var answer = await _server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "1");

        AssertProblem(answer, 503, "backfilling from n2");
    }

    [Fact]
    public async Task Put_is_413_when_the_declared_body_is_larger_than_max_body_size()
    {
        await using var server = await ServerHarness.StartAsync(o => o.MaxBodySizeBytes = 1024);
        var body = "\"" + new string('x', 1100) + "\"";

        var answer = await server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", body);

        AssertProblem(answer, 413, "the request body is larger than 1024 bytes, the limit of this node (peersync.http.max-body-size)");
        Assert.Null(server.Api.FakeRecords.LastPut);
    }

    [Fact]
    public async Task Put_is_413_when_a_chunked_body_grows_past_max_body_size()
    {
        await using var server = await ServerHarness.StartAsync(o => o.MaxBodySizeBytes = 1024);
        using var request = server.Request(HttpMethod.Put, "/v1/collections/tags/records/k1");
        request.Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("\"" + new string('x', 5000) + "\"")));
        request.Headers.TransferEncodingChunked = true;

        var answer = await server.SendAsync(request);

        AssertProblem(answer, 413, "larger than 1024 bytes");
    }

    [Fact]
    public async Task Put_accepts_a_body_of_exactly_max_body_size()
    {
        await using var server = await ServerHarness.StartAsync(o => o.MaxBodySizeBytes = 1024);
        var body = "\"" + new string('x', 1022) + "\"";

        var answer = await server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", body);

        Assert.Equal(200, answer.Status);
        Assert.Equal(body, server.Api.FakeRecords.LastPut!.Value.ValueJson);
    }

    [Fact]
    public async Task Put_skips_a_utf8_byte_order_mark_before_the_value()
    {
        using var request = _server.Request(HttpMethod.Put, "/v1/collections/tags/records/k1");
        request.Content = new ByteArrayContent([0xEF, 0xBB, 0xBF, (byte)'4', (byte)'2']);

        var answer = await _server.SendAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal("42", _server.Api.FakeRecords.LastPut!.Value.ValueJson);
    }

    [Fact]
    public async Task Answers_carry_a_content_length_rather_than_chunks()
    {
        // The handler never flushes, so Kestrel sends a small answer in one write with its length.
        var answer = await _server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "1");

        Assert.Equal(answer.Body.Length, answer.ContentLength);
        Assert.False(answer.Chunked);
    }

    [Fact]
    public async Task Http_1_1_keeps_the_connection_for_the_next_request()
    {
        var first = await _server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "1");
        var second = await _server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records/k1");

        Assert.Equal(HttpStatusCode.OK, first.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.Response.StatusCode);
        Assert.DoesNotContain("close", second.Response.Headers.Connection);
    }

    internal static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");
}
