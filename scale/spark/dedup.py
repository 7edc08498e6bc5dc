#!/usr/bin/env python3
"""newsdedup on Apache Spark: the shuffles between `newsdedup fingerprint` and the stories.

    spark-submit scale/spark/dedup.py FINGERPRINTS --out OUT [--bin PATH/TO/newsdedup]

FINGERPRINTS is the folder `newsdedup fingerprint --out-dir` wrote (params.json, shards/*.parquet),
on any file system Spark reads. OUT gets stories.jsonl (what `newsdedup --jsonl` prints for the
same inputs), skipped.jsonl (one {"path", "kind", "reason"} per skipped input) and stages.json
(each stage's wall time and counts).

Spark does only generic work here: counts, group-bys, joins, sorted lists with their first few
members, pairs within lists, and connected components (large-star/small-star, Kiveris et al.
2014). Every decision (is a paragraph template, are two versions one, is a title a site name,
which groups are one story, the canonical version, the record) is made by `newsdedup assemble`
with the single-machine code, on one task line at a time. The lists' caps and sample sizes come
from FINGERPRINTS/params.json, written by the binary.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from pyspark import SparkFiles
from pyspark.accumulators import AccumulatorParam
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T


class MaxParam(AccumulatorParam):
    def zero(self, value):
        return 0

    def addInPlace(self, a, b):
        return max(a, b)


def pairs_of_bucket(ids, up_to):
    """The pairs of one band bucket (ids sorted): all when it is small, else a chain and a star
    around its least id, as newsdedup's candidates::group_pairs makes them."""
    if len(ids) <= up_to:
        return [(ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    hub = ids[0]
    out = [(ids[k], ids[k + 1]) for k in range(len(ids) - 1)]
    out += [(hub, b) for b in ids[2:]]
    return out


class Job:
    def __init__(self, spark, args):
        self.spark = spark
        self.args = args
        self.stages = []
        self.clock = time.time()
        self.params_text = spark.read.text(
            os.path.join(args.fingerprints, "params.json"), wholetext=True
        ).first()[0]
        self.p = json.loads(self.params_text)
        self.task_rss = spark.sparkContext.accumulator(0, MaxParam())
        self.task_count = spark.sparkContext.accumulator(0)

    def lap(self, name, **counts):
        now = time.time()
        self.stages.append({"stage": name, "seconds": round(now - self.clock, 3), **counts})
        print(f"dedup.py: {name} {now - self.clock:.1f} s {counts}", file=sys.stderr)
        self.clock = now

    def assemble(self, tasks, partitions):
        """Runs `newsdedup assemble` on each partition of `tasks` (a one-column DataFrame of
        task JSON lines); returns the answer lines (an RDD of str). A partition's tasks go
        through a temporary file, so a retried partition gives the same lines."""
        binary, params_text, threads = self.args.bin, self.params_text, self.args.task_threads
        rss, count = self.task_rss, self.task_count

        def run(rows):
            exe = binary if os.path.isabs(binary) and os.path.exists(binary) else SparkFiles.get(os.path.basename(binary))
            with tempfile.TemporaryDirectory(prefix="newsdedup-") as d:
                params = os.path.join(d, "params.json")
                with open(params, "w") as f:
                    f.write(params_text)
                inp, out = os.path.join(d, "in.jsonl"), os.path.join(d, "out.jsonl")
                n = 0
                with open(inp, "w") as f:
                    for r in rows:
                        f.write(r[0])
                        f.write("\n")
                        n += 1
                if n == 0:
                    return
                with open(inp) as fin, open(out, "w") as fout:
                    proc = subprocess.Popen(
                        [exe, "assemble", "--params", params, "-j", str(threads)],
                        stdin=fin, stdout=fout, stderr=subprocess.PIPE,
                    )
                    _, err = proc.communicate()
                if proc.returncode != 0:
                    raise RuntimeError(
                        f"newsdedup assemble exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}"
                    )
                import resource
                rss.add(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
                count.add(n)
                with open(out) as f:
                    for line in f:
                        yield line.rstrip("\n")

        return tasks.repartition(partitions).rdd.mapPartitions(run)

    def components(self, edges):
        """(node, comp) for every node of `edges` (columns a, b), comp being the least node of
        its connected component: large-star and small-star rounds until nothing changes."""
        e = edges.select(F.least("a", "b").alias("lo"), F.greatest("a", "b").alias("hi"))
        e = e.where("lo != hi").distinct().localCheckpoint()
        rounds = 0
        while True:
            rounds += 1
            both = e.select(F.col("lo").alias("u"), F.col("hi").alias("v")).union(
                e.select(F.col("hi").alias("u"), F.col("lo").alias("v")))
            m = both.groupBy("u").agg(F.min("v").alias("m")).withColumn("m", F.least("m", "u"))
            # large-star: every larger neighbour v of u links to the least of u's neighbourhood
            large = both.where("v > u").join(m, "u").select(
                F.least("v", "m").alias("lo"), F.greatest("v", "m").alias("hi")
            ).where("lo != hi").distinct()
            # small-star: u and its smaller neighbours link to the least of them
            both2 = large.select(F.col("lo").alias("u"), F.col("hi").alias("v")).union(
                large.select(F.col("hi").alias("u"), F.col("lo").alias("v")))
            low = both2.where("v < u")
            m2 = low.groupBy("u").agg(F.min("v").alias("m"))
            small = low.join(m2, "u").select(F.col("v").alias("x"), F.col("m").alias("y")).union(
                m2.select(F.col("u").alias("x"), F.col("m").alias("y")))
            small = small.select(F.least("x", "y").alias("lo"), F.greatest("x", "y").alias("hi"))
            small = small.where("lo != hi").distinct().localCheckpoint()
            same = small.exceptAll(e).isEmpty() and e.exceptAll(small).isEmpty()
            e = small
            if same:
                break
        labels = e.select(F.col("hi").alias("node"), F.col("lo").alias("comp")).union(
            e.select(F.col("lo").alias("node"), F.col("lo").alias("comp"))).distinct()
        return labels, rounds

    def run(self):
        spark, p, a = self.spark, self.p, self.args
        parts = a.partitions
        rows = spark.read.parquet(os.path.join(a.fingerprints, "shards"))
        # A path in two shards is one input (as a path given twice is read once).
        light = rows.drop("article").dropDuplicates(["path"])
        skips = light.where(F.col("skip_kind").isNotNull()).select(
            "path", F.col("skip_kind").alias("kind"), F.col("skip_reason").alias("reason"))
        warnings = light.where(F.col("warning").isNotNull()).select("path", "warning")
        # Documents numbered in path order (ids increase with the path; not contiguous). The
        # articles (their text, most of a row) stay out of it, joined only where assemble
        # needs them (strip, stories).
        docs = (light.where(F.col("skip_kind").isNull()).drop("skip_kind", "skip_reason", "warning")
                .orderBy("path").withColumn("id", F.monotonically_increasing_id()))
        docs = docs.localCheckpoint()
        n_docs = docs.count()
        articles = (rows.where(F.col("skip_kind").isNull()).select("path", "article")
                    .dropDuplicates(["path"]).join(docs.select("path", "id"), "path")
                    .select("id", "article"))
        self.lap("load", articles=n_docs, skipped=skips.count())

        # -- templates: paragraphs in min_docs documents or more, examined on their first holders
        para = docs.select("id", F.explode("para_exact").alias("exact")).distinct()
        found = spark.createDataFrame([], "exact long")
        n_found = 0
        if p["template_min_docs"] >= 2:
            by_para = Window.partitionBy("exact")
            freq = (para.withColumn("n", F.count("*").over(by_para))
                    .where(F.col("n") >= p["template_min_docs"])
                    .withColumn("rank", F.row_number().over(by_para.orderBy("id"))))
            frequent = freq.select("exact").distinct()
            samples = (freq.where(F.col("rank") <= p["template_sample"]).groupBy("exact")
                       .agg(F.sort_array(F.collect_list("id")).alias("sample"))).localCheckpoint()
            distinct = samples.select("sample").distinct()
            sample_docs = distinct.select(F.explode("sample").alias("id")).distinct()
            doc_freq = (para.join(sample_docs, "id").join(frequent, "exact")
                        .groupBy("id").agg(F.collect_list("exact").alias("frequent")))
            sd = (distinct.select("sample", F.explode("sample").alias("id"))
                  .join(docs.select("id", "para_exact", "para_fuzzy", "para_words", "shingles"), "id")
                  .join(doc_freq, "id", "left")
                  .withColumn("frequent", F.coalesce("frequent", F.array().cast("array<bigint>"))))
            tasks = sd.groupBy("sample").agg(F.collect_list(F.struct(
                "id", "para_exact", "para_fuzzy", "para_words", "shingles", "frequent")).alias("docs"))
            tasks = tasks.select(F.to_json(F.struct(
                F.lit("template_sample").alias("task"), "sample", "docs")).alias("t"))
            answers = spark.read.schema("sample array<bigint>, template boolean").json(
                self.assemble(tasks, parts))
            found = (samples.join(answers.where("template"), "sample")
                     .select("exact").distinct().localCheckpoint())
            n_found = found.count()
        self.lap("templates", template_paragraphs=n_found, paragraph_postings=para.count())

        # -- strip: articles holding template paragraphs get new shingles and band keys
        holders = para.join(found, "exact").groupBy("id").agg(F.collect_list("exact").alias("templates"))
        tasks = holders.join(articles, "id").select(F.to_json(F.struct(
            F.lit("strip").alias("task"), "id", "article", "templates")).alias("t"))
        stripped = spark.read.schema("id long, shingles array<bigint>, band_keys array<bigint>").json(
            self.assemble(tasks, parts)).withColumnRenamed("shingles", "s2").withColumnRenamed("band_keys", "b2")
        fp = (docs.join(stripped, "id", "left")
              .withColumn("shingles", F.coalesce("s2", "shingles"))
              .withColumn("band_keys", F.coalesce("b2", "band_keys"))
              .drop("s2", "b2").localCheckpoint())
        self.lap("strip", articles_with_templates=stripped.count() if n_found else 0)

        # -- candidates: band buckets and sampled-shingle posting lists
        up_to = p["lsh_all_pairs_up_to"]
        buckets = (fp.select("id", F.posexplode("band_keys").alias("band", "key"))
                   .groupBy("band", "key").agg(F.sort_array(F.collect_list("id")).alias("ids"))
                   .where(F.size("ids") > 1))
        lsh = buckets.rdd.flatMap(lambda r: pairs_of_bucket(r.ids, up_to)).toDF("a long, b long")
        mod = p["overlap_modulus"]
        samp = fp.select("id", F.explode("shingles").alias("h")).where(F.col("h") % mod == 0)
        sampled = samp.groupBy("id").agg(F.count("*").alias("n"))
        lists = (samp.groupBy("h").agg(F.count("*").alias("n"))
                 .where(F.col("n").between(2, p["overlap_max_posting"])).select("h"))
        kept = samp.join(lists, "h")
        shared = (kept.alias("x").join(kept.alias("y"), "h").where(F.col("x.id") < F.col("y.id"))
                  .groupBy(F.col("x.id").alias("a"), F.col("y.id").alias("b")).agg(F.count("*").alias("shared")))
        sa, sb = sampled.alias("sa"), sampled.alias("sb")
        overlap = (shared.join(sa, F.col("a") == F.col("sa.id")).join(sb, F.col("b") == F.col("sb.id"))
                   .where((F.col("shared") >= 2) & (
                       F.col("shared") / F.greatest(F.least("sa.n", "sb.n"), F.lit(1)) >= p["overlap_threshold"]))
                   .select("a", "b"))
        shared = shared.localCheckpoint()
        cands = lsh.union(overlap).distinct().localCheckpoint()
        n_cands = cands.count()
        self.lap("candidates", candidate_pairs=n_cands, lsh_pairs=lsh.count(),
                 sampled_shingle_entries=samp.count(), overlap_pairs_sharing_a_sample=shared.count())

        # -- verify: Jaccard and containment of each candidate pair's shingle sets (sorted,
        # distinct), kept down to verify_floor, as verify::similarity computes them
        sh = fp.select("id", "shingles")
        v = (cands.join(sh.select(F.col("id").alias("a"), F.col("shingles").alias("sa")), "a")
             .join(sh.select(F.col("id").alias("b"), F.col("shingles").alias("sb")), "b")
             .select("a", "b", F.size(F.array_intersect("sa", "sb")).alias("i"),
                     F.size("sa").alias("la"), F.size("sb").alias("lb")))
        floor = p["verify_floor"]
        verified = v.where((F.col("la") > 0) & (F.col("lb") > 0) & (
            (F.col("i") / (F.col("la") + F.col("lb") - F.col("i")) >= floor)
            | (F.col("i") / F.least("la", "lb") >= floor))).localCheckpoint()
        n_verified = verified.count()
        # Each verified pair decided alone (assemble, in chunks): does it join two versions, is
        # it a story link. Only the joins connect what clustering refines.
        day = fp.select("id", "day")
        vp = (verified.join(day.select(F.col("id").alias("a"), F.col("day").alias("da")), "a")
              .join(day.select(F.col("id").alias("b"), F.col("day").alias("db")), "b"))
        chunks = max(1, n_verified // a.pair_chunk)
        tasks = (vp.withColumn("chunk", F.pmod(F.xxhash64("a", "b"), F.lit(chunks)))
                 .groupBy("chunk").agg(F.collect_list(F.struct("a", "b", "i", "la", "lb", "da", "db")).alias("pairs"))
                 .select(F.to_json(F.struct(F.lit("version_pairs").alias("task"), "pairs")).alias("t")))
        decided = spark.read.schema("joins array<array<bigint>>, links array<array<bigint>>").json(
            self.assemble(tasks, parts)).localCheckpoint()
        joinp = decided.select(F.explode("joins").alias("p")).select(
            F.col("p")[0].alias("a"), F.col("p")[1].alias("b")).localCheckpoint()
        linkp = decided.select(F.explode("links").alias("p")).select(
            F.col("p")[0].alias("a"), F.col("p")[1].alias("b"))
        n_joins = joinp.count()
        self.lap("verify", verified_pairs=n_verified, joining_pairs=n_joins)

        # -- version groups: components of joining pairs, clustered by assemble with the
        # verified pairs inside them
        comp, rounds = self.components(joinp)
        comp = comp.localCheckpoint()
        ca = comp.select(F.col("node").alias("a"), F.col("comp").alias("ca"))
        cb = comp.select(F.col("node").alias("b"), F.col("comp").alias("cb"))
        vsel = verified.select("a", "b").join(ca, "a", "left").join(cb, "b", "left")
        inside = vsel.where(F.col("ca").isNotNull() & (F.col("ca") == F.col("cb")))
        vdocs = (comp.withColumnRenamed("node", "id").join(fp.select("id", "shingles", "day"), "id")
                 .groupBy("comp").agg(F.collect_list(F.struct("id", "shingles", "day")).alias("docs")))
        vpairs = (inside.select(F.col("ca").alias("comp"), "a", "b")
                  .groupBy("comp").agg(F.collect_list(F.array("a", "b")).alias("pairs")))
        # Story links between components are between groups whatever the clustering.
        cross = (linkp.join(ca, "a", "left").join(cb, "b", "left")
                 .where(F.col("ca").isNull() | F.col("cb").isNull() | (F.col("ca") != F.col("cb")))
                 .select("a", "b"))
        vdocs = vdocs.localCheckpoint()
        largest_v = vdocs.select(F.max(F.size("docs"))).first()[0] or 1
        tasks = vdocs.join(vpairs, "comp").select(F.to_json(F.struct(
            F.lit("versions").alias("task"), "docs", "pairs")).alias("t"))
        answers = spark.read.schema(
            "groups array<struct<members: array<bigint>, coverage: array<bigint>, rep: bigint>>, "
            "links array<array<bigint>>").json(self.assemble(tasks, parts)).localCheckpoint()
        multi = answers.select(F.explode("groups").alias("g")).select("g.members", "g.coverage", "g.rep")
        alone = fp.join(comp.withColumnRenamed("node", "id"), "id", "left_anti").select(
            F.array("id").alias("members"), F.array(F.size("shingles").cast("bigint")).alias("coverage"),
            F.col("id").alias("rep"))
        groups = multi.union(alone).withColumn("gid", F.col("members")[0]).localCheckpoint()
        links = answers.select(F.explode("links").alias("l")).select(
            F.col("l")[0].alias("a"), F.col("l")[1].alias("b")).union(cross)
        n_groups = groups.count()
        self.lap("versions", version_groups=n_groups, components_rounds=rounds,
                 largest_component_docs=largest_v)

        # -- corpus facts over version groups: term counts (rarity), site-name titles
        group_of = groups.select("gid", F.explode("members").alias("id"))
        terms_of = fp.select(F.col("id").alias("rep"), "terms")
        rarity = (groups.select("rep").join(terms_of, "rep").select(F.explode("terms").alias("term"))
                  .groupBy("term").agg(F.count("*").alias("count"))).localCheckpoint()
        hold = (fp.where(F.col("title_key").isNotNull()).select(F.col("title_key").alias("key"), "id")
                .join(group_of, "id").groupBy("key", "gid").agg(F.min("id").alias("id")))
        by_key = Window.partitionBy("key")
        firsts = (hold.withColumn("n", F.count("*").over(by_key))
                  .where(F.col("n") >= p["site_title_min_groups"])
                  .withColumn("r", F.row_number().over(by_key.orderBy("id")))
                  .where(F.col("r") <= p["site_title_sample"]))
        st = firsts.join(fp.select("id", "terms", "shingles"), "id")
        st_rarity = (st.select("key", F.explode("terms").alias("term")).distinct().join(rarity, "term")
                     .groupBy("key").agg(F.collect_list(F.array("term", "count")).alias("rarity")))
        tasks = (st.groupBy("key").agg(F.collect_list(F.struct("id", "terms", "shingles")).alias("docs"))
                 .join(st_rarity, "key", "left")
                 .withColumn("rarity", F.coalesce("rarity", F.array().cast("array<array<bigint>>")))
                 .select(F.to_json(F.struct(F.lit("site_title").alias("task"), "key", "docs", "rarity",
                                            F.lit(n_groups).alias("total_groups"))).alias("t")))
        site = [r.key for r in spark.read.schema("key bigint, site boolean").json(
            self.assemble(tasks, parts)).where("site").collect()]
        site_df = spark.createDataFrame([(k,) for k in site], "title_key long")
        self.lap("corpus facts", site_titles=len(site))

        # -- story candidates between version groups (rare terms, headline, lede; verified links)
        window = p["story_window_days"]
        reps = groups.select("gid", "rep").join(fp.select(F.col("id").alias("rep"), "day", "terms", "lede"), "rep")
        if p["group"] == "stories":
            cap = p["story_max_posting"]
            rt = (reps.select("gid", F.explode("terms").alias("term")).join(rarity, "term")
                  .where(F.col("count").between(2, cap))
                  .withColumn("r", F.row_number().over(Window.partitionBy("gid").orderBy("count", "term")))
                  .where(F.col("r") <= p["story_rare_terms"])
                  .select("gid", F.lit(0).alias("kind"), F.col("term").alias("key")))
            heads = (groups.select("gid", "rep", F.posexplode("members").alias("pos", "id"))
                     .join(fp.select("id", "title_key").where(F.col("title_key").isNotNull()), "id")
                     .join(site_df, "title_key", "left_anti")
                     .withColumn("prio", F.when(F.col("id") == F.col("rep"), -1).otherwise(F.col("pos")))
                     .withColumn("r", F.row_number().over(Window.partitionBy("gid").orderBy("prio")))
                     .where("r = 1"))
            holder = heads.select("gid", F.col("id").alias("hid"))
            heads = heads.select("gid", F.lit(1).alias("kind"), F.col("title_key").alias("key"))
            ledes = reps.select("gid", F.explode(F.slice("lede", 1, p["story_lede_keys"])).alias("key")).select(
                "gid", F.lit(2).alias("kind"), "key")
            keys = rt.union(heads).union(ledes).distinct()
            ok_lists = (keys.groupBy("kind", "key").agg(F.count("*").alias("n"))
                        .where(F.col("n").between(2, cap)).select("kind", "key"))
            k = keys.join(ok_lists, ["kind", "key"])
            kp = (k.alias("x").join(k.alias("y"), ["kind", "key"]).where(F.col("x.gid") < F.col("y.gid"))
                  .select(F.col("x.gid").alias("ga"), F.col("y.gid").alias("gb"),
                          F.when(F.col("kind") == 1, 2).otherwise(1).alias("w")))
            day = reps.select("gid", "day")
            da, db = day.alias("da"), day.alias("db")

            def within(df):
                df = df.join(da, F.col("ga") == F.col("da.gid")).join(db, F.col("gb") == F.col("db.gid"))
                return df.where(F.col("da.day").isNull() | F.col("db.day").isNull()
                                | (F.abs(F.col("da.day") - F.col("db.day")) <= window))

            by_keys = (within(kp).groupBy("ga", "gb").agg(F.sum("w").alias("w"))
                       .where(F.col("w") >= p["story_min_shared_keys"]).select("ga", "gb"))
            la = group_of.select(F.col("id").alias("a"), F.col("gid").alias("g1"))
            lb = group_of.select(F.col("id").alias("b"), F.col("gid").alias("g2"))
            by_links = (links.join(la, "a").join(lb, "b").where(F.col("g1") != F.col("g2"))
                        .select(F.least("g1", "g2").alias("ga"), F.greatest("g1", "g2").alias("gb")))
            by_links = within(by_links).select("ga", "gb")
            spairs = by_keys.union(by_links).distinct().localCheckpoint()
        else:
            spairs = spark.createDataFrame([], "ga long, gb long")
            holder = spark.createDataFrame([], "gid long, hid long")
        n_spairs = spairs.count()
        self.lap("story candidates", group_pairs=n_spairs)

        # -- story links: each candidate pair of groups scored alone (assemble, in chunks, with
        # the two groups' representatives and headline holders); only the pairs at the model's
        # threshold connect what the stories task joins
        if n_spairs:
            chunks = max(1, n_spairs // a.story_chunk)
            cp = spairs.withColumn("chunk", F.pmod(F.xxhash64("ga", "gb"), F.lit(chunks)))
            members = (groups.select("gid", F.explode("members").alias("id"))
                       .join(fp.select("id", "title_key"), "id")
                       .groupBy("gid").agg(F.collect_list(F.struct("id", "title_key")).alias("members")))
            ginfo = groups.select("gid", "rep").join(holder, "gid", "left").join(members, "gid")
            cg = (cp.select("chunk", F.explode(F.array("ga", "gb")).alias("gid")).distinct()
                  .join(ginfo, "gid"))
            cd = (cg.select("chunk", F.explode(F.array("rep", "hid")).alias("id")).where("id is not null")
                  .distinct().join(fp.select("id", "shingles", "terms", "title_key"), "id").join(articles, "id"))
            c_groups = cg.groupBy("chunk").agg(F.collect_list(F.struct("gid", "rep", "members")).alias("groups"))
            c_docs = cd.groupBy("chunk").agg(F.collect_list(F.struct("id", "article", "shingles")).alias("docs"))
            c_terms = (cd.select("chunk", F.explode("terms").alias("term")).distinct().join(rarity, "term")
                       .groupBy("chunk").agg(F.collect_list(F.array("term", "count")).alias("rarity")))
            # the site-name titles among all the groups' members (the headline holder skips them)
            c_site = (cg.select("chunk", F.explode("members").alias("m"))
                      .select("chunk", F.col("m.title_key").alias("title_key"))
                      .join(site_df, "title_key").distinct()
                      .groupBy("chunk").agg(F.collect_list("title_key").alias("site_titles")))
            c_pairs = cp.groupBy("chunk").agg(F.collect_list(F.array("ga", "gb")).alias("pairs"))
            tasks = (c_pairs.join(c_groups, "chunk").join(c_docs, "chunk").join(c_terms, "chunk", "left")
                     .join(c_site, "chunk", "left")
                     .withColumn("rarity", F.coalesce("rarity", F.array().cast("array<array<bigint>>")))
                     .withColumn("site_titles", F.coalesce("site_titles", F.array().cast("array<bigint>")))
                     .select(F.to_json(F.struct(F.lit("story_links").alias("task"), "groups", "docs", "pairs",
                                                "rarity", F.lit(n_groups).alias("total_groups"),
                                                "site_titles")).alias("t")))
            slinks = (spark.read.schema("links array<array<bigint>>").json(self.assemble(tasks, parts))
                      .select(F.explode("links").alias("l"))
                      .select(F.col("l")[0].alias("ga"), F.col("l")[1].alias("gb")).localCheckpoint())
        else:
            slinks = spairs
        n_slinks = slinks.count()
        self.lap("story links", links_at_threshold=n_slinks)

        # -- stories: components of the links, joined and recorded by assemble
        spairs = slinks
        scomp, srounds = self.components(spairs.select(F.col("ga").alias("a"), F.col("gb").alias("b")))
        scomp = scomp.select(F.col("node").alias("gid"), "comp")
        gc = groups.join(scomp, "gid", "left").withColumn("comp", F.coalesce("comp", "gid"))
        tg = gc.groupBy("comp").agg(F.collect_list(F.struct("members", "coverage")).alias("groups"))
        td = gc.select("comp", F.explode("members").alias("id")).join(
            fp.select("id", "shingles", "terms", "title_key"), "id").join(articles, "id")
        tdocs = td.groupBy("comp").agg(F.collect_list(F.struct("id", "article", "shingles")).alias("docs"))
        tdocs = tdocs.localCheckpoint()
        largest_s = tdocs.select(F.max(F.size("docs"))).first()[0]
        tterms = (td.select("comp", F.explode("terms").alias("term")).distinct().join(rarity, "term")
                  .groupBy("comp").agg(F.collect_list(F.array("term", "count")).alias("rarity")))
        tsite = (td.select("comp", "title_key").join(site_df, "title_key").distinct()
                 .groupBy("comp").agg(F.collect_list("title_key").alias("site_titles")))
        tpairs = (spairs.join(scomp.withColumnRenamed("gid", "ga"), "ga")
                  .groupBy("comp").agg(F.collect_list(F.array("ga", "gb")).alias("pairs")))
        tasks = (tg.join(tdocs, "comp").join(tterms, "comp", "left").join(tsite, "comp", "left")
                 .join(tpairs, "comp", "left")
                 .withColumn("rarity", F.coalesce("rarity", F.array().cast("array<array<bigint>>")))
                 .withColumn("site_titles", F.coalesce("site_titles", F.array().cast("array<bigint>")))
                 .withColumn("pairs", F.coalesce("pairs", F.array().cast("array<array<bigint>>")))
                 .select(F.to_json(F.struct(F.lit("stories").alias("task"), "groups", "docs", "pairs",
                                            "rarity", F.lit(n_groups).alias("total_groups"),
                                            "site_titles")).alias("t")))
        lines = self.assemble(tasks, parts)

        def split(line):
            key, record = line.split("\t", 1)
            return (json.loads(key), record)

        stories = spark.createDataFrame(lines.map(split), "path string, record string").localCheckpoint()
        n_stories = stories.count()
        self.lap("stories", stories=n_stories, components_rounds=srounds,
                 largest_component_docs=largest_s)

        self.write(stories, skips, warnings)
        self.lap("write")

    def write(self, stories, skips, warnings):
        out = self.args.out
        os.makedirs(out, exist_ok=True)

        def atomically(name, lines):
            path = os.path.join(out, name)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for line in lines:
                    f.write(line)
                    f.write("\n")
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)

        # Stories ordered by their first member's path, as a single run orders them.
        atomically("stories.jsonl", (r.record for r in stories.orderBy("path").toLocalIterator()))
        skipped = skips.orderBy("path").collect()
        for s in skipped:
            print(f"newsdedup: skipped {s.path}: {s.reason}", file=sys.stderr)
        for w in warnings.orderBy("path").collect():
            print(f"newsdedup: warning: {w.warning}", file=sys.stderr)
        atomically("skipped.jsonl", (json.dumps({"path": s.path, "kind": s.kind, "reason": s.reason},
                                                ensure_ascii=False) for s in skipped))
        self.stages_done = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fingerprints", help="the folder newsdedup fingerprint --out-dir wrote")
    ap.add_argument("--out", required=True, help="folder for stories.jsonl, skipped.jsonl, stages.json")
    ap.add_argument("--bin", default="newsdedup",
                    help="the newsdedup binary: an absolute path on every executor, or the name of a "
                         "file shipped with spark-submit --files")
    ap.add_argument("--partitions", type=int, default=8,
                    help="partitions of each task set (each runs one newsdedup assemble)")
    ap.add_argument("--pair-chunk", type=int, default=4096,
                    help="verified pairs per version_pairs task")
    ap.add_argument("--story-chunk", type=int, default=128,
                    help="candidate pairs of groups per story_links task")
    ap.add_argument("--task-threads", type=int, default=1, help="threads of each newsdedup assemble")
    args = ap.parse_args()
    spark = SparkSession.builder.appName("newsdedup").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    job = Job(spark, args)
    start = time.time()
    job.run()
    report = {
        "stages": job.stages,
        "seconds": round(time.time() - start, 3),
        "assemble_tasks": job.task_count.value,
        "assemble_peak_rss_kib": job.task_rss.value,
        "spark_master": spark.sparkContext.master,
    }
    with open(os.path.join(args.out, "stages.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    spark.stop()


if __name__ == "__main__":
    main()
