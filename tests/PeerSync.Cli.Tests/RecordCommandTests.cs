using PeerSync.Cli.Tests.Fakes;
using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

public sealed class RecordCommandTests : IAsyncLifetime
{
    private FakeNode _node = null!;

    public async Task InitializeAsync() => _node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Records_get_prints_the_value_json()
    {
        _node.AddRecord("tags", "k1", """{"name":"blue","n":[1,2]}""");

        var result = await Run("records", "get", "tags", "k1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["{", "  \"name\": \"blue\",", "  \"n\": [", "    1,", "    2", "  ]", "}"], result.Lines);
    }

    [Fact]
    public async Task Records_get_meta_adds_version_and_origin()
    {
        _node.AddRecord("tags", "k1", "\"blue\"", origin: "n3");

        var result = await Run("records", "get", "tags", "k1", "--meta");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["collection  tags", "key         k1", "version     1740823200000.1", "origin      n3", "\"blue\""], result.Lines);
    }

    [Fact]
    public async Task Records_get_json_prints_the_whole_record()
    {
        _node.AddRecord("tags", "k1", "42");

        var result = await Run("records", "get", "tags", "k1", "--json");

        Assert.Equal(0, result.ExitCode);
        ClusterCommandTests.AssertJsonEqual(
            """{"collection":"tags","key":"k1","value":42,"version":"1740823200000.1","origin":"n2","deleted":false}""", result.Out);
    }

    [Fact]
    public async Task Records_get_reports_a_missing_record_with_the_problem_detail()
    {
        var result = await Run("records", "get", "tags", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal("psync: not found: no record 'nope' in collection 'tags'\n", result.Error);
    }

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("k:1", "k%3A1")]
    [InlineData("ünï/cödé?#%", "%C3%BCn%C3%AF%2Fc%C3%B6d%C3%A9%3F%23%25")]
    [InlineData("..", "%2E%2E")]
    [InlineData("@home", "%40home")]
    public async Task Records_put_escapes_the_key_as_one_path_segment(string key, string escaped)
    {
        var result = await Run("records", "put", "my.tags", key, "{\"a\":1}");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"/v1/collections/my.tags/records/{escaped}", _node.LastRequest.RawTarget);
        Assert.Equal("{\"a\":1}", _node.RecordValue("my.tags", key));
        Assert.Equal([$"put my.tags/{key}: version 1740823200000.1, origin n1"], result.Lines);
    }

    [Fact]
    public async Task Records_get_escapes_collection_and_key_and_round_trips_them()
    {
        _node.AddRecord("tags", "x y:z", "true");

        var result = await Run("records", "get", "tags", "x y:z", "--meta");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/v1/collections/tags/records/x%20y%3Az", _node.LastRequest.RawTarget);
        Assert.Contains("key         x y:z", result.Lines);
    }

    [Fact]
    public async Task Records_put_accepts_a_key_that_starts_with_a_dash_after_double_dash()
    {
        var result = await Run("records", "put", "tags", "--", "-k", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/v1/collections/tags/records/-k", _node.LastRequest.RawTarget);
    }

    [Fact]
    public async Task Records_put_sends_the_json_value_as_the_body()
    {
        var result = await Run("records", "put", "tags", "k", """ { "x" : [ true, null ] } """, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(("PUT", """{"x":[true,null]}"""), (_node.LastRequest.Method, _node.LastRequest.Body));
        ClusterCommandTests.AssertJsonEqual("""{"collection":"tags","key":"k","version":"1740823200000.1","origin":"n1"}""", result.Out);
    }

    [Fact]
    public async Task Records_put_reads_the_value_from_a_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"psync-test-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "[1, 2, 3]\n");
        try
        {
            var result = await Run("records", "put", "tags", "k", "--file", file);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("[1,2,3]", _node.RecordValue("tags", "k"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Records_put_reads_the_value_from_stdin_with_dash()
    {
        var cli = new CliHarness { Input = "{\"from\":\"stdin\"}" };

        var result = await cli.RunToEndAsync("--node", _node.Address, "records", "put", "tags", "k", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"from\":\"stdin\"}", _node.RecordValue("tags", "k"));
    }

    [Fact]
    public async Task Records_put_rejects_invalid_json_locally_naming_line_and_byte()
    {
        var result = await Run("records", "put", "tags", "k", "{\"a\":\n  1,}");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(_node.Requests);
        Assert.StartsWith("psync: the value from the argument is not valid JSON at line 2, byte 5: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_put_hints_at_quotes_when_a_bare_word_is_given()
    {
        var result = await Run("records", "put", "tags", "k", "hello");

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("; a string value needs JSON quotes, e.g. '\"text\"'\n", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_put_reports_an_unreadable_file()
    {
        var result = await Run("records", "put", "tags", "k", "--file", "/nonexistent/psync/value.json");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("psync: cannot read --file '/nonexistent/psync/value.json': ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_put_reports_a_conflict_on_an_owned_record()
    {
        _node.OwnedElsewhere.Add("places/home");

        var result = await Run("records", "put", "places", "home", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("psync: conflict: places/home is owned by n2; only its owner may change it\n", result.Error);
    }

    [Fact]
    public async Task Records_rm_deletes_and_prints_the_tombstone_version()
    {
        _node.AddRecord("tags", "k", "1");

        var result = await Run("records", "rm", "tags", "k");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["deleted tags/k: version 1740823200000.2, origin n1"], result.Lines);
        Assert.Null(_node.RecordValue("tags", "k"));
        Assert.Equal("DELETE", _node.LastRequest.Method);
    }

    [Fact]
    public async Task Records_ls_prints_a_page_and_points_to_the_next()
    {
        AddNumbered(5);

        var result = await Run("records", "ls", "tags", "--limit", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "Key  Version          Origin  Value",
                "k1   1740823200000.1  n2      {\"n\":1}",
                "k2   1740823200000.2  n2      {\"n\":2}",
                "more records follow: add --after 'k2' for the next page, or --all",
            ],
            result.Lines);
        Assert.Equal("/v1/collections/tags/records?limit=2", _node.LastRequest.RawTarget);
    }

    [Fact]
    public async Task Records_ls_after_escapes_the_key_in_the_query()
    {
        var result = await Run("records", "ls", "tags", "--after", "a b&c=d");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["no records in tags"], result.Lines);
        Assert.Equal("/v1/collections/tags/records?after=a%20b%26c%3Dd", _node.LastRequest.RawTarget);
    }

    [Fact]
    public async Task Records_ls_all_follows_next_across_pages()
    {
        AddNumbered(5);

        var result = await Run("records", "ls", "tags", "--limit", "2", "--all");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["k1", "k2", "k3", "k4", "k5"], result.Lines.Skip(1).Select(l => l.Split(' ')[0]));
        Assert.Equal(
            ["/v1/collections/tags/records?limit=2", "/v1/collections/tags/records?after=k2&limit=2", "/v1/collections/tags/records?after=k4&limit=2"],
            _node.Requests.Select(r => r.RawTarget));
    }

    [Fact]
    public async Task Records_ls_all_json_streams_every_item_into_one_document()
    {
        AddNumbered(3);

        var result = await Run("records", "ls", "tags", "--limit", "2", "--all", "--json");

        Assert.Equal(0, result.ExitCode);
        ClusterCommandTests.AssertJsonEqual(
            """
            {"items":[
              {"collection":"tags","key":"k1","value":{"n":1},"version":"1740823200000.1","origin":"n2"},
              {"collection":"tags","key":"k2","value":{"n":2},"version":"1740823200000.2","origin":"n2"},
              {"collection":"tags","key":"k3","value":{"n":3},"version":"1740823200000.3","origin":"n2"}],
             "next":null}
            """,
            result.Out);
    }

    [Fact]
    public async Task Records_ls_all_json_of_an_empty_collection_is_an_empty_list()
    {
        var result = await Run("records", "ls", "empty", "--all", "--json");

        Assert.Equal(0, result.ExitCode);
        ClusterCommandTests.AssertJsonEqual("""{"items":[],"next":null}""", result.Out);
    }

    [Fact]
    public async Task Records_ls_json_prints_the_nodes_page()
    {
        AddNumbered(2);

        var result = await Run("records", "ls", "tags", "--limit", "1", "--json");

        Assert.Equal(0, result.ExitCode);
        ClusterCommandTests.AssertJsonEqual(
            """{"items":[{"collection":"tags","key":"k1","value":{"n":1},"version":"1740823200000.1","origin":"n2"}],"next":"k1"}""",
            result.Out);
    }

    [Fact]
    public async Task Records_ls_all_refuses_a_next_that_does_not_move_forward()
    {
        AddNumbered(3);
        _node.StuckNext = "k1";

        var result = await Run("records", "ls", "tags", "--limit", "1", "--all");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"psync: malformed answer from the node at {_node.Address} to GET /v1/collections/tags/records: the page after 'k1' points to next 'k1', which does not move forward\n",
            result.Error);
        Assert.Equal(2, _node.Requests.Count);
    }

    private void AddNumbered(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            _node.AddRecord("tags", $"k{i}", $"{{\"n\":{i}}}");
        }
    }

    private Task<CliResult> Run(params string[] args) => CliHarness.RunAsync(["--node", _node.Address, .. args]);
}
