<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ColorMap</name>
    <message>
        <source>Viridis</source>
        <translation>Viridis</translation>
    </message>
    <message>
        <source>Cividis (colour-blind safe)</source>
        <translation>Cividis（色盲友好）</translation>
    </message>
    <message>
        <source>Magma</source>
        <translation>Magma</translation>
    </message>
    <message>
        <source>Grayscale</source>
        <translation>灰度</translation>
    </message>
</context>
<context>
    <name>ComplexityView</name>
    <message>
        <source>n (log scale)</source>
        <translation>n（对数刻度）</translation>
    </message>
    <message>
        <source>Not enough memory for these lengths; choose shorter ones.</source>
        <translation>内存不足以处理这些长度；请选择更短的长度。</translation>
    </message>
</context>
<context>
    <name>FigureExport</name>
    <message>
        <source>there is nothing to draw</source>
        <translation>没有可绘制的内容</translation>
    </message>
    <message>
        <source>head %1 does not exist; the result has %2 heads</source>
        <translation>第 %1 个头不存在；结果只有 %2 个头</translation>
    </message>
    <message>
        <source>query row %1 does not exist; the sentence has %2 tokens</source>
        <translation>第 %1 个查询行不存在；句子只有 %2 个词元</translation>
    </message>
    <message>
        <source>1 head (d_k %1)</source>
        <translation>1 个头（d_k %1）</translation>
    </message>
    <message>
        <source>%1 heads (d_k %2)</source>
        <translation>%1 个头（d_k %2）</translation>
    </message>
    <message>
        <source>mask %1</source>
        <translation>掩码 %1</translation>
    </message>
    <message>
        <source>%1 projection</source>
        <translation>%1 投影</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>built-in embeddings, d_model %1</source>
        <translation>内置嵌入，d_model %1</translation>
    </message>
    <message>
        <source>embeddings %1</source>
        <translation>嵌入 %1</translation>
    </message>
    <message>
        <source>manual embeddings</source>
        <translation>手动嵌入</translation>
    </message>
    <message>
        <source>cannot tell the image format of &apos;%1&apos;; use a name ending in .png, .svg or .pdf</source>
        <translation>无法判断“%1”的图像格式；请使用以 .png、.svg 或 .pdf 结尾的文件名</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: the folder &apos;%2&apos; does not exist</source>
        <translation>无法写入“%1”：文件夹“%2”不存在</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: &apos;%2&apos; is not a folder</source>
        <translation>无法写入“%1”：“%2”不是文件夹</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: it is a folder</source>
        <translation>无法写入“%1”：它是一个文件夹</translation>
    </message>
    <message>
        <source>cannot draw &apos;%1&apos;</source>
        <translation>无法绘制“%1”</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>rollout over %1 layers</source>
        <translation>%1 层的注意力展开（rollout）</translation>
    </message>
    <message>
        <source>layer %1 of %2</source>
        <translation>第 %1 层，共 %2 层</translation>
    </message>
    <message>
        <source>%1 heads, d_model %2</source>
        <translation>%1 个头，d_model %2</translation>
    </message>
    <message>
        <source>an image of %1 × %2 pixels needs %3 MB of memory, more than is available; choose a smaller width, height or scale</source>
        <translation>%1 × %2 像素的图像需要 %3 MB 内存，超出可用内存；请选择更小的宽度、高度或缩放比例</translation>
    </message>
    <message>
        <source>cannot draw &apos;%1&apos;: %2</source>
        <translation>无法绘制“%1”：%2</translation>
    </message>
    <message>
        <source>cannot draw &apos;%1&apos;: not enough memory; nothing was written</source>
        <translation>无法绘制“%1”：内存不足；未写入任何内容</translation>
    </message>
    <message>
        <source>a PNG figure may have at most %1 pixels a side and %2 million pixels in all; %3 × %4 is larger: choose a smaller width, height or scale</source>
        <translation>PNG 图像每边最多 %1 像素，总共最多 %2 百万像素；%3 × %4 超出了限制：请选择更小的宽度、高度或缩放比例</translation>
    </message>
    <message>
        <source>the model view draws every layer × head of a model of several layers; this result has one layer (draw its heads with the grid instead)</source>
        <translation>模型视图画出多层模型的所有层 × 头；当前结果只有一层（请改用网格画出它的各个头）</translation>
    </message>
    <message>
        <source>every layer (rows) × head (columns)</source>
        <translation>所有层（行）× 头（列）</translation>
    </message>
</context>
<context>
    <name>HeadTitle</name>
    <message>
        <source>Mean of %1 heads</source>
        <translation>%1 个头的平均</translation>
    </message>
    <message>
        <source>Mean of heads</source>
        <translation>各头的平均</translation>
    </message>
    <message>
        <source>Max of %1 heads</source>
        <translation>%1 个头的最大值</translation>
    </message>
    <message>
        <source>Max of heads</source>
        <translation>各头的最大值</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>Rollout over the layers</source>
        <translation>各层的注意力展开（rollout）</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Attention Lab could not start again. Start it yourself to see the new language.</source>
        <translation>Attention Lab 无法重新启动。请自行启动它以使用新的语言。</translation>
    </message>
    <message>
        <source>Attention Lab will show its texts in %1 from its next start on. Your sentence, settings and open lesson stay as they are.

Restart now?</source>
        <translation>Attention Lab 将从下次启动起以 %1 显示界面。你的句子、设置和打开的课程都会保留。

现在重新启动吗？</translation>
    </message>
    <message>
        <source>&amp;Restart Now</source>
        <translation>立即重新启动(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Later</source>
        <translation>稍后(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言 Language(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;System Language (%1)</source>
        <translation>跟随系统（%1）(&amp;S)</translation>
    </message>
    <message>
        <source>The language the system prefers, when Attention Lab has it; English otherwise.</source>
        <translation>系统首选的语言（如果 Attention Lab 提供该语言），否则为英文。</translation>
    </message>
    <message>
        <source>Takes effect after a restart</source>
        <translation>重新启动后生效</translation>
    </message>
</context>
<context>
    <name>LessonChecksText</name>
    <message>
        <source>%1: %2 %3</source>
        <translation>%1：%2%3</translation>
    </message>
    <message>
        <source> and </source>
        <translation>，且</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 —— %2</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>%1 — %2: %3</source>
        <translation>%1 —— %2：%3</translation>
    </message>
    <message>
        <source>What this lesson shows, checked on its numbers: %1 %2 of %3 claims hold (hover for each)</source>
        <translation>本课展示的内容已用其数值核对：%1 %3 条结论中有 %2 条成立（悬停查看每一条）</translation>
    </message>
    <message>
        <source>What this lesson shows (measured on the lesson&apos;s settings as it opened):</source>
        <translation>本课展示的内容（按课程打开时的设置测得）：</translation>
    </message>
    <message>
        <source>What this lesson shows is checked on the Complexity page&apos;s measurements: %1 claims, once it has run with the lesson&apos;s settings</source>
        <translation>本课所示的内容在“复杂度”页的测量上检验：共 %1 条断言，在该页以本课的设置运行之后检验</translation>
    </message>
    <message>
        <source>%1; %2 more once the Complexity page has run with the lesson&apos;s settings</source>
        <translation>%1；另有 %2 条在“复杂度”页以本课的设置运行后检验</translation>
    </message>
    <message>
        <source>… %1 claims about the Complexity page, measured when it has run with the lesson&apos;s settings</source>
        <translation>… 关于“复杂度”页的 %1 条断言，在该页以本课的设置运行后测量</translation>
    </message>
</context>
<context>
    <name>ScalingView</name>
    <message>
        <source>d_k (log scale)</source>
        <translation>d_k（对数刻度）</translation>
    </message>
    <message>
        <source>q·k (no scaling)</source>
        <translation>q·k（未缩放）</translation>
    </message>
    <message>
        <source>q·k / √d_k</source>
        <translation>q·k / √d_k</translation>
    </message>
    <message>
        <source>this head: d_k = %1</source>
        <translation>当前头：d_k = %1</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::AttentionController</name>
    <message>
        <source>%1 holds no word vectors</source>
        <translation>%1 中没有词向量</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled; the previous embeddings stay.</source>
        <translation>已取消加载 %1；继续使用之前的嵌入。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::AttentionKindControls</name>
    <message>
        <source>Dense (all weights)</source>
        <translation>稠密（全部权重）</translation>
    </message>
    <message>
        <source>Tiled (exact, block by block)</source>
        <translation>分块（精确，逐块计算）</translation>
    </message>
    <message>
        <source>Linear (feature map)</source>
        <translation>线性（特征映射）</translation>
    </message>
    <message>
        <source>Softmax over features</source>
        <translation>对特征取 Softmax</translation>
    </message>
    <message>
        <source>elu(x) + 1</source>
        <translation>elu(x) + 1</translation>
    </message>
    <message>
        <source>ReLU</source>
        <translation>ReLU</translation>
    </message>
    <message>
        <source>FAVOR+ (random features)</source>
        <translation>FAVOR+（随机特征）</translation>
    </message>
    <message>
        <source>How the weights are computed: all at once, exactly block by block, or approximately through a feature map in time linear in the length.</source>
        <translation>权重的计算方式：一次性全部计算，逐块精确计算，或通过特征映射近似计算（时间与长度成线性关系）。</translation>
    </message>
    <message>
        <source>Attention kind</source>
        <translation>注意力类型</translation>
    </message>
    <message>
        <source>Attent&amp;ion</source>
        <translation>注意力(&amp;I)</translation>
    </message>
    <message>
        <source>The feature map φ: linear attention weighs key j for query i by φ(q_i)·φ(k_j), divided by the row&apos;s sum.</source>
        <translation>特征映射 φ：线性注意力中，查询 i 对键 j 的权重为 φ(q_i)·φ(k_j) 除以该行之和。</translation>
    </message>
    <message>
        <source>Feat&amp;ure map</source>
        <translation>特征映射(&amp;U)</translation>
    </message>
    <message>
        <source>Random features M of FAVOR+: more features estimate softmax attention more closely and cost more.</source>
        <translation>FAVOR+ 的随机特征数 M：特征越多，对 softmax 注意力的估计越精确，开销也越大。</translation>
    </message>
    <message>
        <source>Feature &amp;count M</source>
        <translation>特征数 M(&amp;C)</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::ColorBarWidget</name>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Colour scale shared by all heatmaps: the same colour is the same weight.</source>
        <translation>所有热力图共用的色阶：相同的颜色代表相同的权重。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::CompareView</name>
    <message>
        <source>A → B</source>
        <translation>A → B</translation>
    </message>
    <message>
        <source>Copies the workspace&apos;s settings (side A) to side B.</source>
        <translation>把工作区的设置（A 侧）复制到 B 侧。</translation>
    </message>
    <message>
        <source>B → A</source>
        <translation>B → A</translation>
    </message>
    <message>
        <source>Gives the workspace (side A) the settings of side B.</source>
        <translation>把 B 侧的设置应用到工作区（A 侧）。</translation>
    </message>
    <message>
        <source>Swap</source>
        <translation>交换</translation>
    </message>
    <message>
        <source>Exchanges the settings of the two sides.</source>
        <translation>交换两侧的设置。</translation>
    </message>
    <message>
        <source>Settings of side B (same sentence as A):</source>
        <translation>B 侧的设置（句子与 A 相同）：</translation>
    </message>
    <message>
        <source>Side B is computed with these settings on the workspace&apos;s sentence.</source>
        <translation>B 侧用这些设置在工作区的句子上计算。</translation>
    </message>
    <message>
        <source>Com&amp;pare</source>
        <translation>比较(&amp;P)</translation>
    </message>
    <message>
        <source>Which weights to compare: one head, or the mean over the heads.</source>
        <translation>比较哪些权重：单个头，或各头的平均。</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>A − B</source>
        <translation>A − B</translation>
    </message>
    <message>
        <source>Blue: A gives the key less weight than B; red: more.</source>
        <translation>蓝色：A 给这个键的权重比 B 小；红色：比 B 大。</translation>
    </message>
    <message>
        <source>Difference A − B (0 is white)</source>
        <translation>差值 A − B（0 为白色）</translation>
    </message>
    <message>
        <source>KL(A‖B)</source>
        <translation>KL(A‖B)</translation>
    </message>
    <message>
        <source>KL(B‖A)</source>
        <translation>KL(B‖A)</translation>
    </message>
    <message>
        <source>H(A)</source>
        <translation>H(A)</translation>
    </message>
    <message>
        <source>H(B)</source>
        <translation>H(B)</translation>
    </message>
    <message>
        <source>ΔH = H(B) − H(A)</source>
        <translation>ΔH = H(B) − H(A)</translation>
    </message>
    <message>
        <source>How much information is lost when B stands in for A in this row (nats); ∞ when B gives a key exactly 0 that A weighs.</source>
        <translation>在这一行中用 B 代替 A 时损失多少信息（单位：奈特）；若 A 给某个键分配了权重而 B 恰好给它 0，则为 ∞。</translation>
    </message>
    <message>
        <source>Negative: B is sharper (more peaked) than A in this row; positive: flatter.</source>
        <translation>负值：这一行中 B 比 A 更尖锐（更集中）；正值：更平缓。</translation>
    </message>
    <message>
        <source>Per query row: how far apart the two distributions are and how much sharper or flatter B is.</source>
        <translation>每个查询行：两个分布相差多远，以及 B 更尖锐还是更平缓。</translation>
    </message>
    <message>
        <source>Side B: %1</source>
        <translation>B 侧：%1</translation>
    </message>
    <message>
        <source>query “%1” → key “%2”: A %3 − B %4 = %5</source>
        <translation>查询“%1” → 键“%2”：A %3 − B %4 = %5</translation>
    </message>
    <message>
        <source>Waiting for the workspace&apos;s first result.</source>
        <translation>正在等待工作区的第一个结果。</translation>
    </message>
    <message>
        <source>T %1</source>
        <translation>T %1</translation>
    </message>
    <message>
        <source>1 head</source>
        <translation>1 个头</translation>
    </message>
    <message>
        <source>%1 heads</source>
        <translation>%1 个头</translation>
    </message>
    <message>
        <source>mask %1</source>
        <translation>掩码 %1</translation>
    </message>
    <message>
        <source>%1 projection</source>
        <translation>%1 投影</translation>
    </message>
    <message>
        <source>A (workspace): %1</source>
        <translation>A（工作区）：%1</translation>
    </message>
    <message>
        <source>B: %1</source>
        <translation>B：%1</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>Mean of heads</source>
        <translation>各头的平均</translation>
    </message>
    <message>
        <source>Computing side B …</source>
        <translation>正在计算 B 侧…</translation>
    </message>
    <message>
        <source>largest |A − B| = %1</source>
        <translation>最大 |A − B| = %1</translation>
    </message>
    <message>
        <source>;  mean KL(A‖B) = %1 nats</source>
        <translation>；平均 KL(A‖B) = %1 奈特</translation>
    </message>
    <message>
        <source>;  1 row with KL = ∞ (B gives exactly 0 where A does not)</source>
        <translation>；1 行的 KL = ∞（B 在 A 不为 0 的地方恰好为 0）</translation>
    </message>
    <message>
        <source>;  %1 rows with KL = ∞ (B gives exactly 0 where A does not)</source>
        <translation>；%1 行的 KL = ∞（B 在 A 不为 0 的地方恰好为 0）</translation>
    </message>
    <message>
        <source>No distribution in this row on one side (every key masked, or no positive logit for relu).</source>
        <translation>这一行在某一侧没有分布（所有键都被掩盖，或 relu 下没有正的 logit）。</translation>
    </message>
    <message>
        <source>&amp;Layer</source>
        <translation>层(&amp;L)</translation>
    </message>
    <message>
        <source>Which layer of the model to compare.</source>
        <translation>要比较模型的哪一层。</translation>
    </message>
    <message>
        <source>What each side predicts: the next token (GPT-2, Llama) or the words for [MASK] (BERT), with their probabilities.</source>
        <translation>两侧各自的预测：下一个词元（GPT-2、Llama）或 [MASK] 处的词（BERT），附概率。</translation>
    </message>
    <message>
        <source>A (workspace): the model, no change yet</source>
        <translation>A（工作区）：模型，尚无改动</translation>
    </message>
    <message>
        <source>B: the same model, unmodified</source>
        <translation>B：同一模型，未改动</translation>
    </message>
    <message>
        <source>%1 %2%</source>
        <translation>%1 %2%</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Predictions</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>No change yet: add one in the What If panel, and A shows its effect.</source>
        <translation>尚无改动：在“假如”面板中添加一项，A 侧会显示其效果。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::ComplexityView</name>
    <message>
        <source>How do time and memory grow with the length n? Each kind of attention runs on random inputs of the chosen size; the charts use log–log axes, where n^p is a line of slope p.</source>
        <translation>时间和内存如何随长度 n 增长？每种注意力都在所选大小的随机输入上运行；图表使用双对数坐标，n^p 在图中是一条斜率为 p 的直线。</translation>
    </message>
    <message>
        <source>&amp;Dense</source>
        <translation>稠密(&amp;D)</translation>
    </message>
    <message>
        <source>Exact attention with the whole n × n weight matrix in memory.</source>
        <translation>精确注意力，整个 n × n 权重矩阵保存在内存中。</translation>
    </message>
    <message>
        <source>&amp;Tiled</source>
        <translation>分块(&amp;T)</translation>
    </message>
    <message>
        <source>Exact attention computed block by block (online softmax): the same numbers, memory linear in n.</source>
        <translation>逐块计算的精确注意力（在线 softmax）：数值相同，内存随 n 线性增长。</translation>
    </message>
    <message>
        <source>&amp;Window W =</source>
        <translation>窗口 W =(&amp;W)</translation>
    </message>
    <message>
        <source>Sparse: each query sees the keys with |i − j| ≤ W.</source>
        <translation>稀疏：每个查询只看 |i − j| ≤ W 的键。</translation>
    </message>
    <message>
        <source>&amp;Block B =</source>
        <translation>块 B =(&amp;B)</translation>
    </message>
    <message>
        <source>Sparse: each query sees the keys of its own block of B tokens.</source>
        <translation>稀疏：每个查询只看它所在的 B 个词元的块内的键。</translation>
    </message>
    <message>
        <source>&amp;Linear, feature map</source>
        <translation>线性，特征映射(&amp;L)</translation>
    </message>
    <message>
        <source>φ(Q)(φ(K)ᵀV): never forms the n × n matrix.</source>
        <translation>φ(Q)(φ(K)ᵀV)：从不构造 n × n 矩阵。</translation>
    </message>
    <message>
        <source>&amp;More kinds</source>
        <translation>更多种类(&amp;M)</translation>
    </message>
    <message>
        <source>e.g. dilated:8:2, longformer:16:2, linear:favor:64</source>
        <translation>例如 dilated:8:2、longformer:16:2、linear:favor:64</translation>
    </message>
    <message>
        <source>Comma-separated, as on the command line: tiled:B, linear:MAP, linear:favor:M, or a sparse mask such as dilated:W:D, strided:S, longformer:W:G, bigbird:W:G:R.</source>
        <translation>用逗号分隔，与命令行相同：tiled:B、linear:MAP、linear:favor:M，或稀疏掩码，如 dilated:W:D、strided:S、longformer:W:G、bigbird:W:G:R。</translation>
    </message>
    <message>
        <source>&amp;Lengths n</source>
        <translation>长度 n(&amp;L)</translation>
    </message>
    <message>
        <source>Comma-separated lengths, 2 to 10,000,000.</source>
        <translation>用逗号分隔的长度，2 到 10,000,000。</translation>
    </message>
    <message>
        <source>d_&amp;k</source>
        <translation>d_&amp;k</translation>
    </message>
    <message>
        <source>&amp;Heads</source>
        <translation>头数(&amp;H)</translation>
    </message>
    <message>
        <source>Dense &amp;budget</source>
        <translation>稠密预算(&amp;B)</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>Dense stops before its n × n weights would exceed this.</source>
        <translation>当稠密注意力的 n × n 权重将超过此值时停止测量。</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Export C&amp;hart…</source>
        <translation>导出图表(&amp;H)…</translation>
    </message>
    <message>
        <source>Export CS&amp;V…</source>
        <translation>导出 CSV(&amp;V)…</translation>
    </message>
    <message>
        <source>Choose kinds and lengths, then Run.</source>
        <translation>选择种类和长度，然后点运行。</translation>
    </message>
    <message>
        <source>Time against n (fitted slope in the legend)</source>
        <translation>时间随 n 的变化（图例中为拟合斜率）</translation>
    </message>
    <message>
        <source>seconds, all heads</source>
        <translation>秒，所有头</translation>
    </message>
    <message>
        <source>Peak memory against n (fitted slope in the legend)</source>
        <translation>峰值内存随 n 的变化（图例中为拟合斜率）</translation>
    </message>
    <message>
        <source>bytes above the start</source>
        <translation>高出起始值的字节数</translation>
    </message>
    <message>
        <source>&lt;b&gt;The tutorial&apos;s table, and what the measurements say about it&lt;/b&gt;</source>
        <translation>&lt;b&gt;教程中的表格，以及测量结果对它的印证&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>In the tutorial</source>
        <translation>教程中</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>空间</translation>
    </message>
    <message>
        <source>Recommended for</source>
        <translation>推荐用于</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>sparse</source>
        <translation>稀疏</translation>
    </message>
    <message>
        <source>standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Run the lab to confront the table with measurements.</source>
        <translation>运行实验，用测量结果检验这张表。</translation>
    </message>
    <message>
        <source>&lt;b&gt;What the approximate kinds cost in accuracy&lt;/b&gt; (against exact attention on the same input)</source>
        <translation>&lt;b&gt;近似方法在精度上的代价&lt;/b&gt;（与同一输入上的精确注意力相比）</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>种类</translation>
    </message>
    <message>
        <source>Mean row KL(exact ‖ approx)</source>
        <translation>平均行 KL(精确 ‖ 近似)</translation>
    </message>
    <message>
        <source>Mean row KL(approx ‖ exact)</source>
        <translation>平均行 KL(近似 ‖ 精确)</translation>
    </message>
    <message>
        <source>Exact weight dropped</source>
        <translation>丢掉的精确权重</translation>
    </message>
    <message>
        <source>Largest output difference</source>
        <translation>最大输出差</translation>
    </message>
    <message>
        <source>Choose at least one kind of attention.</source>
        <translation>请至少选择一种注意力。</translation>
    </message>
    <message>
        <source>Kinds: %1</source>
        <translation>种类：%1</translation>
    </message>
    <message>
        <source>Lengths n: type at least one length, e.g. 256,1024,4096.</source>
        <translation>长度 n：请至少输入一个长度，例如 256,1024,4096。</translation>
    </message>
    <message>
        <source>Lengths n: %1</source>
        <translation>长度 n：%1</translation>
    </message>
    <message>
        <source>Lengths n: %1 is too short; every length must be at least 2.</source>
        <translation>长度 n：%1 太短；每个长度至少为 2。</translation>
    </message>
    <message>
        <source>Measuring …</source>
        <translation>正在测量 …</translation>
    </message>
    <message>
        <source>Cancelling …</source>
        <translation>正在取消 …</translation>
    </message>
    <message>
        <source>Measuring … %1 of %2 points</source>
        <translation>正在测量 … 第 %1 个点，共 %2 个</translation>
    </message>
    <message>
        <source>Cancelled; the charts show the last finished run.</source>
        <translation>已取消；图表显示上一次完成的运行。</translation>
    </message>
    <message>
        <source>The measurement failed: %1</source>
        <translation>测量失败：%1</translation>
    </message>
    <message>
        <source>%1 kinds × %2 lengths, d_k = %3, %4 heads, %5 threads; peak memory: %6</source>
        <translation>%1 种 × %2 个长度，d_k = %3，%4 个头，%5 个线程；峰值内存：%6</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
    <message>
        <source>%1 (slope %2)</source>
        <translation>%1（斜率 %2）</translation>
    </message>
    <message>
        <source>Peak memory could not be measured on this system.</source>
        <translation>在此系统上无法测量峰值内存。</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;color:#1b7837&quot;&gt;agrees&lt;/span&gt;</source>
        <translation>&lt;span style=&quot;color:#1b7837&quot;&gt;相符&lt;/span&gt;</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;color:#b2182b&quot;&gt;disagrees&lt;/span&gt;</source>
        <translation>&lt;span style=&quot;color:#b2182b&quot;&gt;不符&lt;/span&gt;</translation>
    </message>
    <message>
        <source>cannot say</source>
        <translation>无法判断</translation>
    </message>
    <message>
        <source>not in the table</source>
        <translation>不在表中</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>peak memory</source>
        <translation>峰值内存</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 grows as n&lt;sup&gt;%3&lt;/sup&gt;; the table&apos;s %4 row means a slope of %5 here: %6.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：%2 按 n&lt;sup&gt;%3&lt;/sup&gt; 增长；表中 %4 一行在这里意味着斜率 %5：%6。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2: %3 — %4.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：%2：%3 — %4。</translation>
    </message>
    <message>
        <source>∞ (%1 rows give 0 to a key exact attention weighs)</source>
        <translation>∞（有 %1 行给精确注意力有权重的键分配了 0）</translation>
    </message>
    <message>
        <source>Nothing measured yet: Run first.</source>
        <translation>尚未测量：请先运行。</translation>
    </message>
    <message>
        <source>Choose a file name ending in .png or .svg.</source>
        <translation>请选择以 .png 或 .svg 结尾的文件名。</translation>
    </message>
    <message>
        <source>The chart could not be encoded.</source>
        <translation>无法编码图表。</translation>
    </message>
    <message>
        <source>Export Chart</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG images (*.png);;SVG drawings (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>CSV tables (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::ControlsPanel</name>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Sinusoidal (added to X)</source>
        <translation>正弦（加到 X 上）</translation>
    </message>
    <message>
        <source>RoPE (rotates q and k)</source>
        <translation>RoPE（旋转 q 和 k）</translation>
    </message>
    <message>
        <source>ALiBi (distance bias)</source>
        <translation>ALiBi（距离偏置）</translation>
    </message>
    <message>
        <source>Words (ICU word breaks)</source>
        <translation>词（ICU 分词）</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>Whitespace-separated</source>
        <translation>按空格分隔</translation>
    </message>
    <message>
        <source>Scoring</source>
        <translation>打分</translation>
    </message>
    <message>
        <source>How a query and a key are turned into a score.</source>
        <translation>查询和键如何变成一个分数。</translation>
    </message>
    <message>
        <source>&amp;Function</source>
        <translation>打分函数(&amp;F)</translation>
    </message>
    <message>
        <source>How each row of logits becomes attention weights.</source>
        <translation>每一行 logits 如何变成注意力权重。</translation>
    </message>
    <message>
        <source>&amp;Normaliser</source>
        <translation>归一化(&amp;N)</translation>
    </message>
    <message>
        <source>Divides every score by T (log scale): small T sharpens the weights, large T flattens them.</source>
        <translation>每个分数都除以 T（对数刻度）：T 越小权重越尖锐，T 越大权重越平缓。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>&amp;Temperature</source>
        <translation>温度(&amp;T)</translation>
    </message>
    <message>
        <source>Heads and widths</source>
        <translation>头数与维度</translation>
    </message>
    <message>
        <source>Number of attention heads; each head reads its own slice of the embedding and draws its own heatmap.</source>
        <translation>注意力头的个数；每个头读取嵌入中属于自己的一段，并画出自己的热力图。</translation>
    </message>
    <message>
        <source>&amp;Heads</source>
        <translation>头数(&amp;H)</translation>
    </message>
    <message>
        <source>Width d_model of the token embeddings.</source>
        <translation>词元嵌入的维度 d_model。</translation>
    </message>
    <message>
        <source>d_&amp;model</source>
        <translation>d_model(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;set</source>
        <translation>指定(&amp;S)</translation>
    </message>
    <message>
        <source>Choose d_k yourself instead of d_model / heads.</source>
        <translation>自行指定 d_k，而不是 d_model / 头数。</translation>
    </message>
    <message>
        <source>d_&amp;k</source>
        <translation>d_k(&amp;K)</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source>Every query sees every key.</source>
        <translation>每个查询都能看到所有的键。</translation>
    </message>
    <message>
        <source>Causal</source>
        <translation>因果掩码</translation>
    </message>
    <message>
        <source>A query sees only itself and earlier tokens, as in a decoder.</source>
        <translation>查询只能看到自己和之前的词元，与解码器中一样。</translation>
    </message>
    <message>
        <source>Padding</source>
        <translation>填充掩码</translation>
    </message>
    <message>
        <source>The sentence is padded with [PAD] tokens, which no query may see.</source>
        <translation>句子用 [PAD] 词元填充，任何查询都不能看到它们。</translation>
    </message>
    <message>
        <source>Sliding window</source>
        <translation>滑动窗口</translation>
    </message>
    <message>
        <source>A query sees only keys at most W positions away (local attention).</source>
        <translation>查询只能看到距离不超过 W 个位置的键（局部注意力）。</translation>
    </message>
    <message>
        <source>Which keys each query is allowed to see.</source>
        <translation>每个查询可以看到哪些键。</translation>
    </message>
    <message>
        <source>M&amp;ask</source>
        <translation>掩码(&amp;A)</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <source>Pad to &amp;length</source>
        <translation>填充到长度(&amp;L)</translation>
    </message>
    <message>
        <source>±</source>
        <translation>±</translation>
    </message>
    <message>
        <source>&amp;Window width</source>
        <translation>窗口宽度(&amp;W)</translation>
    </message>
    <message>
        <source>Positions and projections</source>
        <translation>位置与投影</translation>
    </message>
    <message>
        <source>Tokens carry no position; attention ignores word order.</source>
        <translation>词元不带位置信息；注意力忽略词序。</translation>
    </message>
    <message>
        <source>Adds sine and cosine waves of the position to each embedding.</source>
        <translation>在每个嵌入上加上随位置变化的正弦和余弦波。</translation>
    </message>
    <message>
        <source>Rotates q and k by their position so scores depend on distance.</source>
        <translation>按位置旋转 q 和 k，使分数取决于距离。</translation>
    </message>
    <message>
        <source>Subtracts a per-head penalty proportional to the distance.</source>
        <translation>减去与距离成正比的惩罚项，每个头各不相同。</translation>
    </message>
    <message>
        <source>How the position of a token enters the computation.</source>
        <translation>词元的位置如何进入计算。</translation>
    </message>
    <message>
        <source>&amp;Positions</source>
        <translation>位置编码(&amp;P)</translation>
    </message>
    <message>
        <source>Identity slices</source>
        <translation>恒等切片</translation>
    </message>
    <message>
        <source>Head h reads embedding dimensions h·d_k … (h+1)·d_k unchanged.</source>
        <translation>第 h 个头原样读取嵌入的第 h·d_k … (h+1)·d_k 维。</translation>
    </message>
    <message>
        <source>Random (seeded)</source>
        <translation>随机（按种子）</translation>
    </message>
    <message>
        <source>W_q, W_k, W_v drawn at random from the seed below, as at the start of training.</source>
        <translation>W_q、W_k、W_v 由下面的种子随机生成，如同训练开始时。</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>The matrices typed on the teaching panel&apos;s &quot;Your numbers&quot; page.</source>
        <translation>在教学面板的“自定义数值”页中输入的矩阵。</translation>
    </message>
    <message>
        <source>Where the projection matrices W_q, W_k and W_v come from.</source>
        <translation>投影矩阵 W_q、W_k 和 W_v 从哪里来。</translation>
    </message>
    <message>
        <source>P&amp;rojection</source>
        <translation>投影(&amp;R)</translation>
    </message>
    <message>
        <source>New s&amp;eed</source>
        <translation>新种子(&amp;E)</translation>
    </message>
    <message>
        <source>Draws a new random seed, that is new random matrices.</source>
        <translation>抽取一个新的随机种子，也就是新的随机矩阵。</translation>
    </message>
    <message>
        <source>See&amp;d</source>
        <translation>种子(&amp;D)</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Built-in lexicon</source>
        <translation>内置词表</translation>
    </message>
    <message>
        <source>The bilingual teaching lexicon: related English and Chinese words have related vectors.</source>
        <translation>双语教学词表：相关的英文词和中文词有相近的向量。</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>The vectors of the loaded embeddings file.</source>
        <translation>已加载嵌入文件中的向量。</translation>
    </message>
    <message>
        <source>The vectors typed on the teaching panel&apos;s &quot;Your numbers&quot; page.</source>
        <translation>在教学面板的“自定义数值”页中输入的向量。</translation>
    </message>
    <message>
        <source>Load a file first (Load file…).</source>
        <translation>请先加载文件（加载文件…）。</translation>
    </message>
    <message>
        <source>Where the vector of each token comes from.</source>
        <translation>每个词元的向量从哪里来。</translation>
    </message>
    <message>
        <source>&amp;Load file…</source>
        <translation>加载文件(&amp;L)…</translation>
    </message>
    <message>
        <source>Loads GloVe, word2vec or fastText vectors (.txt, .vec or .bin) and uses them.</source>
        <translation>加载并使用 GloVe、word2vec 或 fastText 向量（.txt、.vec 或 .bin）。</translation>
    </message>
    <message>
        <source>&amp;Embeddings</source>
        <translation>嵌入(&amp;E)</translation>
    </message>
    <message>
        <source>Splits at word boundaries; Chinese text is split into words by ICU.</source>
        <translation>按词的边界切分；中文由 ICU 分词。</translation>
    </message>
    <message>
        <source>Every character is a token (useful for Chinese).</source>
        <translation>每个字符是一个词元（适合中文）。</translation>
    </message>
    <message>
        <source>Splits only at spaces, so you decide the tokens.</source>
        <translation>只按空格切分，由你决定词元。</translation>
    </message>
    <message>
        <source>How the sentence is split into tokens.</source>
        <translation>句子如何切分为词元。</translation>
    </message>
    <message>
        <source>T&amp;okens</source>
        <translation>词元(&amp;O)</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message>
        <source>%1 (%2 numbers per word)</source>
        <translation>%1（每个词 %2 个数）</translation>
    </message>
    <message>
        <source>Causal masking applies to self-attention only; clear the source sentence to use it.</source>
        <translation>因果掩码只用于自注意力；清空源句子后才能使用。</translation>
    </message>
    <message>
        <source>Total length the sentence is padded to with [PAD] tokens.</source>
        <translation>用 [PAD] 词元把句子填充到的总长度。</translation>
    </message>
    <message>
        <source>Only used by the padding mask.</source>
        <translation>只用于填充掩码。</translation>
    </message>
    <message>
        <source>A query sees keys at most this many positions away.</source>
        <translation>查询能看到的键与它最多相距多少个位置。</translation>
    </message>
    <message>
        <source>Seed of the random matrices; the same seed gives the same numbers everywhere.</source>
        <translation>随机矩阵的种子；同一个种子在任何地方都得到相同的数。</translation>
    </message>
    <message>
        <source>Only used by random projections; identity slices need no seed.</source>
        <translation>只用于随机投影；恒等切片不需要种子。</translation>
    </message>
    <message>
        <source>Set by the embeddings file: its vectors have %1 numbers.</source>
        <translation>由嵌入文件决定：它的向量有 %1 个数。</translation>
    </message>
    <message>
        <source>Set by the width of the typed embeddings (&quot;Your numbers&quot; page).</source>
        <translation>由输入的嵌入的宽度决定（“自定义数值”页）。</translation>
    </message>
    <message>
        <source>Width d_model of the token embeddings; the built-in lexicon is available at any width.</source>
        <translation>词元嵌入的维度 d_model；内置词表在任何维度下都可用。</translation>
    </message>
    <message>
        <source>Width d_k of each head&apos;s queries and keys.</source>
        <translation>每个头的查询和键的维度 d_k。</translation>
    </message>
    <message>
        <source>Follows d_model / heads; tick &quot;set&quot; to choose it yourself.</source>
        <translation>跟随 d_model / 头数；勾选“指定”可自行选择。</translation>
    </message>
    <message>
        <source>Dilated</source>
        <translation>空洞窗口</translation>
    </message>
    <message>
        <source>A query sees every D-th key up to W·D positions away.</source>
        <translation>查询能看到相距为 D 的倍数、且不超过 W·D 个位置的键。</translation>
    </message>
    <message>
        <source>Strided</source>
        <translation>跨步</translation>
    </message>
    <message>
        <source>A query sees the keys less than S away and every S-th key (Sparse Transformer).</source>
        <translation>查询能看到相距小于 S 的键，以及相距为 S 的倍数的键（Sparse Transformer）。</translation>
    </message>
    <message>
        <source>Longformer</source>
        <translation>Longformer</translation>
    </message>
    <message>
        <source>A window of ±W plus G global tokens that see and are seen by every token.</source>
        <translation>±W 的窗口，加上 G 个全局词元：它们能看到所有词元，也能被所有词元看到。</translation>
    </message>
    <message>
        <source>BigBird</source>
        <translation>BigBird</translation>
    </message>
    <message>
        <source>Longformer plus R keys per query drawn at random from the seed.</source>
        <translation>Longformer 加上每个查询按种子随机抽取的 R 个键。</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>块对角</translation>
    </message>
    <message>
        <source>A query sees only the keys of its own block of B tokens.</source>
        <translation>查询只能看到自己所在的、由 B 个词元组成的块中的键。</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Only used by the sliding-window, dilated, longformer and BigBird masks.</source>
        <translation>只用于滑动窗口、空洞窗口、longformer 和 BigBird 掩码。</translation>
    </message>
    <message>
        <source>Cells blocked one by one: painted on the heatmaps, or set by a lesson or a mask file.</source>
        <translation>逐格屏蔽：在热力图上绘制，或由课程、掩码文件设定。</translation>
    </message>
    <message>
        <source>No custom mask: paint one on the heatmaps (Edit → Paint Mask), or open a lesson with one, or start with --mask custom:FILE.</source>
        <translation>没有自定义掩码：在热力图上绘制一个（编辑 → 绘制掩码），或打开带有自定义掩码的课程，或用 --mask custom:FILE 启动。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::DetailsPanel</name>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Click a row of a heatmap to see its weights here.</source>
        <translation>点击热力图的某一行，在这里查看它的权重。</translation>
    </message>
    <message>
        <source>Click a cell to see how its weight is computed.</source>
        <translation>点击一个单元格，查看它的权重如何计算。</translation>
    </message>
    <message>
        <source>query &apos;%1&apos; → key &apos;%2&apos;:
%3</source>
        <translation>查询“%1” → 键“%2”：
%3</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>mean over 1 head</source>
        <translation>1 个头的平均</translation>
    </message>
    <message>
        <source>mean over %1 heads</source>
        <translation>%1 个头的平均</translation>
    </message>
    <message>
        <source>max over heads</source>
        <translation>各头的最大值</translation>
    </message>
    <message>
        <source>Query &apos;%1&apos; (row %2 of %3) · %4</source>
        <translation>查询“%1”（第 %2 行，共 %3 行）· %4</translation>
    </message>
    <message>
        <source>Every key is masked: no distribution, all weights are 0.</source>
        <translation>所有键都被掩盖：没有分布，所有权重都为 0。</translation>
    </message>
    <message>
        <source>argmax → &apos;%1&apos; (%2)</source>
        <translation>argmax → “%1”（%2）</translation>
    </message>
    <message>
        <source>entropy %1 nats, at most ln %3 = %2</source>
        <translation>熵 %1 奈特，最大为 ln %3 = %2</translation>
    </message>
    <message>
        <source>masked → 0</source>
        <translation>已掩盖 → 0</translation>
    </message>
    <message>
        <source>max(%1) = %2</source>
        <translation>max(%1) = %2</translation>
    </message>
    <message>
        <source>mean of %1 heads: (%2) / %1 = %3</source>
        <translation>%1 个头的平均：(%2) / %1 = %3</translation>
    </message>
    <message>
        <source>mean of %1 heads = %2</source>
        <translation>%1 个头的平均 = %2</translation>
    </message>
    <message>
        <source>weight %1 (the model keeps no scores to show)</source>
        <translation>权重 %1（该模型不保留可显示的分数）</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::ExportDialog</name>
    <message>
        <source>Export Image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <source>Every head and their mean</source>
        <translation>所有头及其平均</translation>
    </message>
    <message>
        <source>Mean of the heads</source>
        <translation>各头的平均</translation>
    </message>
    <message>
        <source>Maximum over the heads</source>
        <translation>各头的最大值</translation>
    </message>
    <message>
        <source>One head</source>
        <translation>单个头</translation>
    </message>
    <message>
        <source>Bars of the selected row</source>
        <translation>选中行的条形图</translation>
    </message>
    <message>
        <source>What the image shows.</source>
        <translation>图像显示的内容。</translation>
    </message>
    <message>
        <source>head </source>
        <translation>头 </translation>
    </message>
    <message>
        <source>The head drawn by &quot;One head&quot;.</source>
        <translation>“单个头”所画的头。</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>显示(&amp;S)：</translation>
    </message>
    <message>
        <source>Where the image is written; the extension chooses the format.</source>
        <translation>图像写入的位置；扩展名决定格式。</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>PNG picture</source>
        <translation>PNG 图片</translation>
    </message>
    <message>
        <source>SVG vector graphics</source>
        <translation>SVG 矢量图</translation>
    </message>
    <message>
        <source>PDF document</source>
        <translation>PDF 文档</translation>
    </message>
    <message>
        <source>PNG for slides and notes; SVG and PDF stay sharp at any size.</source>
        <translation>PNG 适合幻灯片和讲义；SVG 和 PDF 在任何尺寸下都保持清晰。</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>文件(&amp;F)：</translation>
    </message>
    <message>
        <source>F&amp;ormat:</source>
        <translation>格式(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Automatic</source>
        <translation>自动(&amp;A)</translation>
    </message>
    <message>
        <source>A size that gives every cell and label room.</source>
        <translation>给每个单元格和标签留出足够空间的尺寸。</translation>
    </message>
    <message>
        <source>Width in pixels (PNG) or points (SVG, PDF).</source>
        <translation>宽度，单位为像素（PNG）或点（SVG、PDF）。</translation>
    </message>
    <message>
        <source>Height in pixels (PNG) or points (SVG, PDF).</source>
        <translation>高度，单位为像素（PNG）或点（SVG、PDF）。</translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation>尺寸(&amp;Z)：</translation>
    </message>
    <message>
        <source>PNG pixels per unit of size: 2 looks sharp on high-resolution screens and projectors.</source>
        <translation>每个尺寸单位对应的 PNG 像素数：2 在高分辨率屏幕和投影仪上显得清晰。</translation>
    </message>
    <message>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <source>The resolution written into the PNG; 300 dpi for print.</source>
        <translation>写入 PNG 的分辨率；打印用 300 dpi。</translation>
    </message>
    <message>
        <source>&amp;Resolution:</source>
        <translation>分辨率(&amp;R)：</translation>
    </message>
    <message>
        <source>Stamp the sentence and settings as a &amp;title</source>
        <translation>把句子和设置作为标题印在图上(&amp;T)</translation>
    </message>
    <message>
        <source>So that anyone can reproduce the figure: sentence, scoring, normaliser, heads, mask, temperature and seed.</source>
        <translation>让任何人都能重现这张图：句子、打分函数、归一化函数、头数、掩码、温度和种子。</translation>
    </message>
    <message>
        <source>Include the &amp;colour bar</source>
        <translation>包含色条(&amp;C)</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <source>A small preview of the image.</source>
        <translation>图像的小预览。</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>Click a cell first to select a row.</source>
        <translation>请先点击一个单元格以选中一行。</translation>
    </message>
    <message>
        <source>PNG picture (*.png);;SVG vector graphics (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图片 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>PNG picture (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>SVG vector graphics (*.svg)</source>
        <translation>SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>pixels</source>
        <translation>像素</translation>
    </message>
    <message>
        <source>points</source>
        <translation>点</translation>
    </message>
    <message>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 像素</translation>
    </message>
    <message>
        <source>%1 × %2 points (%3 × %4 cm)</source>
        <translation>%1 × %2 点（%3 × %4 厘米）</translation>
    </message>
    <message>
        <source>No preview for this many tokens.</source>
        <translation>此数量的词元无法预览。</translation>
    </message>
    <message>
        <source>Every layer × head (model view)</source>
        <translation>所有层 × 头（模型视图）</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::FileTask</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>%1 (%2 MB written)</source>
        <translation>%1（已写入 %2 MB）</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::HeadScoreTable</name>
    <message>
        <source>Encoder self</source>
        <translation>编码器自注意力</translation>
    </message>
    <message>
        <source>Self</source>
        <translation>自注意力</translation>
    </message>
    <message>
        <source>Cross</source>
        <translation>交叉注意力</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Alignment</source>
        <translation>对齐度</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>前一词元</translation>
    </message>
    <message>
        <source>Induction</source>
        <translation>归纳</translation>
    </message>
    <message>
        <source>Diagonal</source>
        <translation>对角线</translation>
    </message>
    <message>
        <source>The layer of the head, counted from the input.</source>
        <translation>该头所在的层，从输入开始计数。</translation>
    </message>
    <message>
        <source>The head within its layer.</source>
        <translation>该头在其层中的编号。</translation>
    </message>
    <message>
        <source>Which attention the head belongs to: the encoder&apos;s self-attention, the decoder&apos;s self-attention or the decoder&apos;s cross-attention to the source.</source>
        <translation>该头属于哪种注意力：编码器自注意力、解码器自注意力，或解码器对源序列的交叉注意力。</translation>
    </message>
    <message>
        <source>Mean weight the head puts on the key the task says it should look at (1 = exactly the ideal alignment); — when the task has no ideal for this attention.</source>
        <translation>该头放在任务规定应关注的键上的平均权重（1 = 完全符合理想对齐）；任务对这种注意力没有理想对齐时显示 —。</translation>
    </message>
    <message>
        <source>Mean weight each query puts on the token just before it, the mark of a previous-token head.</source>
        <translation>每个查询放在它前一个词元上的平均权重，这是“前一词元头”的特征。</translation>
    </message>
    <message>
        <source>How much more weight a query puts on the token after an earlier copy of itself than when that copy is removed, the mark of an induction head.</source>
        <translation>查询放在自身较早副本之后那个词元上的权重，比去掉该副本时多出多少，这是归纳头的特征。</translation>
    </message>
    <message>
        <source>Mean weight each query puts on itself.</source>
        <translation>每个查询放在自身上的平均权重。</translation>
    </message>
    <message>
        <source>Scores of every head at the step on screen, measured on the held-out probe examples; the best-aligned head is highlighted.</source>
        <translation>屏幕上这一步每个头的得分，在留出的探针样例上测得；对齐度最高的头以高亮显示。</translation>
    </message>
    <message>
        <source>The head closest to the task&apos;s ideal alignment.</source>
        <translation>最接近任务理想对齐的头。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::HeatmapView</name>
    <message>
        <source>all keys masked</source>
        <translation>所有键均被掩盖</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>query &apos;%1&apos; → key &apos;%2&apos;</source>
        <translation>查询“%1” → 键“%2”</translation>
    </message>
    <message>
        <source>%1: weight %2</source>
        <translation>%1：权重 %2</translation>
    </message>
    <message>
        <source>%1: score %2, masked, weight 0</source>
        <translation>%1：分数 %2，已掩盖，权重 0</translation>
    </message>
    <message>
        <source>%1: score %2, logit %3, weight %4</source>
        <translation>%1：分数 %2，logit %3，权重 %4</translation>
    </message>
    <message>
        <source>%1: masked, weight 0</source>
        <translation>%1：已掩盖，权重 0</translation>
    </message>
    <message>
        <source>%1: max weight %2</source>
        <translation>%1：最大权重 %2</translation>
    </message>
    <message>
        <source>%1: mean weight %2</source>
        <translation>%1：平均权重 %2</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::LearnPage</name>
    <message>
        <source>Train a small transformer here and watch its attention form: pick a task and the attention settings, press Start, and the heatmaps of every layer and head on one held-out example change as it learns.</source>
        <translation>在这里训练一个小型 Transformer，观察它的注意力如何形成：选择任务和注意力设置，按下“开始”，每一层、每个头在一个留出样例上的热力图就会随着学习而变化。</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>S&amp;tep</source>
        <translation>单步(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Reset</source>
        <translation>重置(&amp;R)</translation>
    </message>
    <message>
        <source>Train until Pause or the last step.</source>
        <translation>一直训练，直到按下“暂停”或到达最后一步。</translation>
    </message>
    <message>
        <source>Take one training step.</source>
        <translation>训练一步。</translation>
    </message>
    <message>
        <source>Start over from the seed&apos;s initial weights with the settings shown.</source>
        <translation>按当前显示的设置，从种子给出的初始权重重新开始。</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Loss (cross-entropy of the batch)</source>
        <translation>损失（批次的交叉熵）</translation>
    </message>
    <message>
        <source>Reverse</source>
        <translation>反转</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>移位</translation>
    </message>
    <message>
        <source>Matching brackets</source>
        <translation>括号匹配</translation>
    </message>
    <message>
        <source>Induction (… A B … A → B)</source>
        <translation>归纳（… A B … A → B）</translation>
    </message>
    <message>
        <source>Associative recall</source>
        <translation>联想回忆</translation>
    </message>
    <message>
        <source>Translation (English → Chinese)</source>
        <translation>翻译（英文 → 中文）</translation>
    </message>
    <message>
        <source>Language model (Tang poems)</source>
        <translation>语言模型（唐诗）</translation>
    </message>
    <message>
        <source>Scaled dot product</source>
        <translation>缩放点积</translation>
    </message>
    <message>
        <source>Dot product</source>
        <translation>点积</translation>
    </message>
    <message>
        <source>General (bilinear)</source>
        <translation>一般式（双线性）</translation>
    </message>
    <message>
        <source>Additive</source>
        <translation>加性</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>Softmax</source>
        <translation>Softmax</translation>
    </message>
    <message>
        <source>Sparsemax</source>
        <translation>Sparsemax</translation>
    </message>
    <message>
        <source>ReLU (normalised)</source>
        <translation>ReLU（归一化）</translation>
    </message>
    <message>
        <source>Sigmoid</source>
        <translation>Sigmoid</translation>
    </message>
    <message>
        <source>Hardmax is not offered: it has no gradient, so nothing could be learned through it.</source>
        <translation>不提供 Hardmax：它没有梯度，无法通过它学习任何东西。</translation>
    </message>
    <message>
        <source>Learned</source>
        <translation>可学习</translation>
    </message>
    <message>
        <source>Sinusoidal</source>
        <translation>正弦</translation>
    </message>
    <message>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <source>ALiBi</source>
        <translation>ALiBi</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>&amp;Task</source>
        <translation>任务(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Length</source>
        <translation>长度(&amp;L)</translation>
    </message>
    <message>
        <source>La&amp;yers</source>
        <translation>层数(&amp;Y)</translation>
    </message>
    <message>
        <source>&amp;Heads</source>
        <translation>头数(&amp;H)</translation>
    </message>
    <message>
        <source>S&amp;coring</source>
        <translation>打分(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Normaliser</source>
        <translation>归一化(&amp;N)</translation>
    </message>
    <message>
        <source>P&amp;ositions</source>
        <translation>位置编码(&amp;O)</translation>
    </message>
    <message>
        <source>Ste&amp;ps</source>
        <translation>步数(&amp;P)</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>种子(&amp;E)</translation>
    </message>
    <message>
        <source>These settings cannot train: %1</source>
        <translation>这些设置无法训练：%1</translation>
    </message>
    <message>
        <source>Layer %1 · head %2</source>
        <translation>第 %1 层 · 第 %2 个头</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source> · loss %1</source>
        <translation> · 损失 %1</translation>
    </message>
    <message>
        <source> · held-out accuracy %1 %</source>
        <translation> · 留出集准确率 %1 %</translation>
    </message>
    <message>
        <source> · alignment %1</source>
        <translation> · 对齐度 %1</translation>
    </message>
    <message>
        <source>Full speed</source>
        <translation>全速</translation>
    </message>
    <message>
        <source>1 step per frame</source>
        <translation>每帧 1 步</translation>
    </message>
    <message>
        <source>10 steps per frame</source>
        <translation>每帧 10 步</translation>
    </message>
    <message>
        <source>100 steps per frame</source>
        <translation>每帧 100 步</translation>
    </message>
    <message>
        <source>How many training steps each redraw shows; slow speeds show about ten frames a second so a class can follow every change.</source>
        <translation>每次重绘显示多少个训练步；慢速时每秒约显示十帧，全班可以看清每一处变化。</translation>
    </message>
    <message>
        <source>Spee&amp;d</source>
        <translation>速度(&amp;D)</translation>
    </message>
    <message>
        <source>Export &amp;GIF…</source>
        <translation>导出 GIF…(&amp;G)</translation>
    </message>
    <message>
        <source>Export Str&amp;ip…</source>
        <translation>导出条带图…(&amp;I)</translation>
    </message>
    <message>
        <source>Save &amp;Model…</source>
        <translation>保存模型…(&amp;M)</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Held-out</source>
        <translation>留出集</translation>
    </message>
    <message>
        <source>Token accuracy</source>
        <translation>词元准确率</translation>
    </message>
    <message>
        <source>Pause the training first.</source>
        <translation>请先暂停训练。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Export the Learning as a GIF</source>
        <translation>将学习过程导出为 GIF</translation>
    </message>
    <message>
        <source>GIF animations (*.gif)</source>
        <translation>GIF 动画 (*.gif)</translation>
    </message>
    <message>
        <source>Export Strip</source>
        <translation>导出条带图</translation>
    </message>
    <message>
        <source>Steps to show, separated by commas (these have heatmaps: %1):</source>
        <translation>要显示的步数，用逗号分隔（以下步数有热力图：%1）：</translation>
    </message>
    <message>
        <source>Cannot export the strip: %1</source>
        <translation>无法导出条带图：%1</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Save Model Folder</source>
        <translation>保存模型文件夹</translation>
    </message>
    <message>
        <source>Model folders (*)</source>
        <translation>模型文件夹 (*)</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Time&amp;line</source>
        <translation>时间线(&amp;L)</translation>
    </message>
    <message>
        <source>Move back through the saved snapshots to see the heatmaps and head scores of an earlier step; at the right end it follows the training.</source>
        <translation>在保存的快照中往回拖动，可查看较早某一步的热力图和头得分；拖到最右端时跟随训练进度。</translation>
    </message>
    <message>
        <source>L&amp;ive</source>
        <translation>实时(&amp;I)</translation>
    </message>
    <message>
        <source>Show the newest step again and follow the training.</source>
        <translation>重新显示最新一步并跟随训练。</translation>
    </message>
    <message>
        <source>R&amp;ace against</source>
        <translation>对比赛跑(&amp;A)</translation>
    </message>
    <message>
        <source>Nobody (no race)</source>
        <translation>无（不赛跑）</translation>
    </message>
    <message>
        <source>Dot-product scoring</source>
        <translation>点积打分</translation>
    </message>
    <message>
        <source>Scaled dot-product scoring (with √d_k)</source>
        <translation>缩放点积打分（除以 √d_k）</translation>
    </message>
    <message>
        <source>Additive scoring</source>
        <translation>加性打分</translation>
    </message>
    <message>
        <source>RoPE positions</source>
        <translation>RoPE 位置编码</translation>
    </message>
    <message>
        <source>No positional encoding</source>
        <translation>无位置编码</translation>
    </message>
    <message>
        <source>Train a second model beside yours that differs in this one setting, on the same data from the same seed, and compare how the two learn.</source>
        <translation>在你的模型旁再训练一个只在这一项设置上不同的模型，使用相同的数据和相同的种子，比较两者如何学习。</translation>
    </message>
    <message>
        <source>Held-out (%1)</source>
        <translation>留出集（%1）</translation>
    </message>
    <message>
        <source>L%1 H%2</source>
        <translation>L%1 H%2</translation>
    </message>
    <message>
        <source>Yours: %1</source>
        <translation>你的：%1</translation>
    </message>
    <message>
        <source>Rival: %1</source>
        <translation>对手：%1</translation>
    </message>
    <message>
        <source>Head scores at step %1</source>
        <translation>第 %1 步的头得分</translation>
    </message>
    <message>
        <source>Head scores</source>
        <translation>头得分</translation>
    </message>
    <message>
        <source>Step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <source>Save the learning so far as an animated GIF for a slide: the heatmaps at every snapshot, each with its step. In a race, each frame shows your model above the rival.</source>
        <translation>把到目前为止的学习过程保存为动画 GIF，供幻灯片使用：每个快照的热力图，各带其步数。赛跑时，每一帧都把你的模型放在对手上方。</translation>
    </message>
    <message>
        <source>Save the heatmaps of chosen steps side by side as one PNG. In a race, your model&apos;s row is above the rival&apos;s.</source>
        <translation>把所选各步的热力图并排保存为一张 PNG。赛跑时，你的模型一行在对手一行的上方。</translation>
    </message>
    <message>
        <source>Save your trained model (not a race&apos;s rival) as a model folder that File → Open Model reads.</source>
        <translation>把你训练好的模型（不是赛跑中的对手）保存为模型文件夹，可由“文件 → 打开模型”读取。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::LessonGallery</name>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Lessons that come with Attention Lab, in the order of a course.</source>
        <translation>Attention Lab 自带的课程，按教学顺序排列。</translation>
    </message>
    <message>
        <source>&amp;Open Lesson</source>
        <translation>打开课程(&amp;O)</translation>
    </message>
    <message>
        <source>Choose a lesson and read what it shows; it opens with its sentence, settings and view. Save it under a new name to keep your changes.</source>
        <translation>选择一课并阅读它展示的内容；打开后使用它的句子、设置和视图。若要保留改动，请用新名称保存。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::LinesView</name>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>No result yet.</source>
        <translation>还没有结果。</translation>
    </message>
    <message>
        <source>head %1: strongest with “%2” (%3)</source>
        <translation>第 %1 个头：与“%2”最强（%3）</translation>
    </message>
    <message>
        <source>Heads:</source>
        <translation>头：</translation>
    </message>
    <message>
        <source>Show the lines of head %1.</source>
        <translation>显示第 %1 个头的连线。</translation>
    </message>
    <message>
        <source>&amp;Layer:</source>
        <translation>层(&amp;L)：</translation>
    </message>
    <message>
        <source>The layer whose heads are drawn; the same as the model bar&apos;s.</source>
        <translation>要画出其各个头的层；与模型栏所选的层相同。</translation>
    </message>
    <message>
        <source>&amp;Head:</source>
        <translation>头(&amp;H)：</translation>
    </message>
    <message>
        <source>Draw the lines of one head, or of all heads of the layer.</source>
        <translation>画出一个头的连线，或这一层所有头的连线。</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>All heads</source>
        <translation>所有头</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>头 %1</translation>
    </message>
    <message>
        <source>&amp;Opacity:</source>
        <translation>不透明度(&amp;O)：</translation>
    </message>
    <message>
        <source>Scaled to each row&apos;s maximum</source>
        <translation>按每行最大值缩放</translation>
    </message>
    <message>
        <source>Each query&apos;s strongest line is fully opaque, the others in proportion: visible on a projector even when a row spreads its weight thinly.</source>
        <translation>每个查询最强的连线完全不透明，其余按比例显示：即使一行的权重分散得很薄，在投影仪上也看得清。</translation>
    </message>
    <message>
        <source>Absolute weight</source>
        <translation>绝对权重</translation>
    </message>
    <message>
        <source>Opacity is the weight itself: rows that spread their weight over many keys look faint, and rows compare directly.</source>
        <translation>不透明度就是权重本身：把权重分散到许多键上的行看起来很淡，各行可以直接比较。</translation>
    </message>
    <message>
        <source>How the opacity of a line follows its weight. Scaled: weight ÷ the largest weight of its query row, so every row&apos;s strongest line is fully opaque. Absolute: the weight itself.</source>
        <translation>连线的不透明度如何随权重变化。缩放：权重 ÷ 所在查询行的最大权重，因此每行最强的连线完全不透明。绝对：就是权重本身。</translation>
    </message>
    <message>
        <source>Opacity = weight ÷ the row&apos;s largest weight. Hover a token to follow its lines.</source>
        <translation>不透明度 = 权重 ÷ 该行最大权重。把鼠标悬停在词元上可追踪它的连线。</translation>
    </message>
    <message>
        <source>Opacity = weight. Hover a token to follow its lines.</source>
        <translation>不透明度 = 权重。把鼠标悬停在词元上可追踪它的连线。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::MainWindow</name>
    <message>
        <source>Command line</source>
        <translation>命令行</translation>
    </message>
    <message>
        <source>Attention Lab</source>
        <translation>Attention Lab</translation>
    </message>
    <message>
        <source>The tokens as the program split them; an orange token with &quot;?&quot; is not in the embeddings and gets a stand-in vector.</source>
        <translation>程序切分出的词元；带“?”的橙色词元不在嵌入词表中，使用替代向量。</translation>
    </message>
    <message>
        <source>&amp;Sentence</source>
        <translation>句子(&amp;S)</translation>
    </message>
    <message>
        <source>Type a sentence in any language, e.g. 我爱深度学习</source>
        <translation>输入任意语言的句子，例如 我爱深度学习</translation>
    </message>
    <message>
        <source>The query sentence: each of its tokens gets a row of every heatmap.</source>
        <translation>查询句子：它的每个词元对应每张热力图中的一行。</translation>
    </message>
    <message>
        <source>So&amp;urce sentence</source>
        <translation>源句子(&amp;U)</translation>
    </message>
    <message>
        <source>optional: fill in for cross-attention (keys and values from here)</source>
        <translation>可选：填写后为交叉注意力（键和值来自这里）</translation>
    </message>
    <message>
        <source>Leave empty for self-attention; a sentence here becomes the keys and values (cross-attention), e.g. the sentence being translated.</source>
        <translation>留空为自注意力；在此填写句子则它提供键和值（交叉注意力），例如被翻译的句子。</translation>
    </message>
    <message>
        <source>The layer of the imported model whose heads are shown.</source>
        <translation>显示导入模型的哪一层的各个头。</translation>
    </message>
    <message>
        <source>Back to the Live Model</source>
        <translation>回到实时模型</translation>
    </message>
    <message>
        <source>Leave the imported attention and show the sentence you type again.</source>
        <translation>离开导入的注意力，重新显示你输入的句子。</translation>
    </message>
    <message>
        <source>Hide the explanation of the lesson.</source>
        <translation>隐藏本课的讲解。</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>All heads</source>
        <translation>所有头</translation>
    </message>
    <message>
        <source>One head large</source>
        <translation>放大单个头</translation>
    </message>
    <message>
        <source>Combined</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>&amp;Head:</source>
        <translation>头(&amp;H)：</translation>
    </message>
    <message>
        <source>The head shown large.</source>
        <translation>放大显示的头。</translation>
    </message>
    <message>
        <source>Colour &amp;scale:</source>
        <translation>色阶(&amp;S)：</translation>
    </message>
    <message>
        <source>0 to 1, shared</source>
        <translation>0 到 1，共用</translation>
    </message>
    <message>
        <source>Fitted, shared</source>
        <translation>自适应，共用</translation>
    </message>
    <message>
        <source>Per head</source>
        <translation>每个头单独</translation>
    </message>
    <message>
        <source>One colour bar from 0 to 1 for all heatmaps: a flatter distribution looks darker.</source>
        <translation>所有热力图共用一条 0 到 1 的色条：分布越平坦，颜色越暗。</translation>
    </message>
    <message>
        <source>One colour bar from 0 to the largest weight shown: for long sentences, whose weights are all small.</source>
        <translation>共用一条从 0 到所显示最大权重的色条：适合权重都很小的长句子。</translation>
    </message>
    <message>
        <source>Each heatmap stretched over its own range, with its own bar.</source>
        <translation>每张热力图按自己的范围着色，各有自己的色条。</translation>
    </message>
    <message>
        <source>Which weights the colours of the heatmaps span.</source>
        <translation>热力图的颜色覆盖哪些权重。</translation>
    </message>
    <message>
        <source>Heat&amp;maps</source>
        <translation>热力图(&amp;M)</translation>
    </message>
    <message>
        <source>One heatmap per head: rows are queries, columns are keys.</source>
        <translation>每个头一张热力图：行是查询，列是键。</translation>
    </message>
    <message>
        <source>Controls</source>
        <translation>控制</translation>
    </message>
    <message>
        <source>Selected row</source>
        <translation>选中的行</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Load Embeddings File…</source>
        <translation>加载嵌入文件(&amp;L)…</translation>
    </message>
    <message>
        <source>Use word vectors from a GloVe, word2vec or fastText file.</source>
        <translation>使用 GloVe、word2vec 或 fastText 文件中的词向量。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;All Heads</source>
        <translation>所有头(&amp;A)</translation>
    </message>
    <message>
        <source>One heatmap per head and their mean (Ctrl+1).</source>
        <translation>每个头一张热力图，外加它们的平均（Ctrl+1）。</translation>
    </message>
    <message>
        <source>&amp;One Head Large</source>
        <translation>放大单个头(&amp;O)</translation>
    </message>
    <message>
        <source>One head, chosen on the right, filling the area (Ctrl+2).</source>
        <translation>右侧选定的一个头占满整个区域（Ctrl+2）。</translation>
    </message>
    <message>
        <source>&amp;Combined</source>
        <translation>合并(&amp;C)</translation>
    </message>
    <message>
        <source>Colour &amp;Map</source>
        <translation>颜色映射(&amp;M)</translation>
    </message>
    <message>
        <source>Cell &amp;Values</source>
        <translation>格内数值(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Automatic (up to %1 tokens)</source>
        <translation>自动（不超过 %1 个词元）(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>显示(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Hide</source>
        <translation>隐藏(&amp;H)</translation>
    </message>
    <message>
        <source>Colour &amp;Scale</source>
        <translation>色阶(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;0 to 1, Shared</source>
        <translation>0 到 1，共用(&amp;0)</translation>
    </message>
    <message>
        <source>&amp;Fitted, Shared</source>
        <translation>自适应，共用(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Per Head</source>
        <translation>每个头单独(&amp;P)</translation>
    </message>
    <message>
        <source>Larger &amp;Heatmaps</source>
        <translation>放大热力图(&amp;H)</translation>
    </message>
    <message>
        <source>Smaller Heat&amp;maps</source>
        <translation>缩小热力图(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Reset Heatmap Size</source>
        <translation>恢复热力图大小(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Controls Panel</source>
        <translation>控制面板(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Selected Row Panel</source>
        <translation>选中行面板(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Examples…</source>
        <translation>示例(&amp;E)…</translation>
    </message>
    <message>
        <source>Lessons that come with the program, each with an explanation.</source>
        <translation>程序自带的课程，每课都附有讲解。</translation>
    </message>
    <message>
        <source>&amp;About Attention Lab</source>
        <translation>关于 Attention Lab(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Computing a large input; the heatmaps update when it is done.</source>
        <translation>正在计算较大的输入；完成后热力图会更新。</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>%1 queries × %2 keys</source>
        <translation>%1 个查询 × %2 个键</translation>
    </message>
    <message>
        <source>1 token</source>
        <translation>1 个词元</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message>
        <source>1 head</source>
        <translation>1 个头</translation>
    </message>
    <message>
        <source>%1 heads</source>
        <translation>%1 个头</translation>
    </message>
    <message>
        <source>%1 · %2 · d_model %3 · d_k %4 · %5 ms</source>
        <translation>%1 · %2 · d_model %3 · d_k %4 · %5 毫秒</translation>
    </message>
    <message>
        <source> The heatmaps still show the last valid result.</source>
        <translation> 热力图仍显示上一次有效的结果。</translation>
    </message>
    <message>
        <source>… and 9999 more</source>
        <translation>… 另有 9999 个</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… 另有 %1 个</translation>
    </message>
    <message>
        <source>Load Embeddings File</source>
        <translation>加载嵌入文件</translation>
    </message>
    <message>
        <source>Word vectors (*.txt *.vec *.bin);;All files (*)</source>
        <translation>词向量 (*.txt *.vec *.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <source>About Attention Lab</source>
        <translation>关于 Attention Lab</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Attention Lab %1&lt;/h3&gt;&lt;p&gt;Type a sentence and watch how attention weighs its words: scoring functions, masks, normalisers and heads, live.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or (at your option) any later version (GPL-3.0-or-later). It comes with no warranty.&lt;/p&gt;&lt;p&gt;Built with Qt %2, QCustomPlot, Eigen and ICU.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Attention Lab %1&lt;/h3&gt;&lt;p&gt;输入一个句子，实时观察注意力如何为其中的词分配权重：打分函数、掩码、归一化函数和多个头。&lt;/p&gt;&lt;p&gt;本程序依据 GNU 通用公共许可证第 3 版或（由你选择）任何更高版本（GPL-3.0-or-later）授权，不提供任何担保。&lt;/p&gt;&lt;p&gt;基于 Qt %2、QCustomPlot、Eigen 和 ICU 构建。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Larger Text</source>
        <translation>放大文字(&amp;L)</translation>
    </message>
    <message>
        <source>All text larger, for a projector (Ctrl+=).</source>
        <translation>放大所有文字，便于投影（Ctrl+=）。</translation>
    </message>
    <message>
        <source>S&amp;maller Text</source>
        <translation>缩小文字(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Normal Text Size</source>
        <translation>正常文字大小(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Presentation Mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen, large text and high contrast for teaching (F11).</source>
        <translation>全屏、大字号、高对比度，用于课堂教学（F11）。</translation>
    </message>
    <message>
        <source>Hide Controls While &amp;Presenting</source>
        <translation>演示时隐藏控制面板(&amp;P)</translation>
    </message>
    <message>
        <source>Show Controls Hidden by the &amp;Lesson</source>
        <translation>显示被本课隐藏的控件(&amp;L)</translation>
    </message>
    <message>
        <source>Presentation mode: F11 to leave.</source>
        <translation>演示模式：按 F11 退出。</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Attention Lab lessons (*.attnlab);;All files (*)</source>
        <translation>Attention Lab 课程 (*.attnlab);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Open Lesson…</source>
        <translation>打开课程(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a saved lesson (.attnlab): sentences, settings and view.</source>
        <translation>打开保存的课程（.attnlab）：句子、设置和视图。</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save Lesson</source>
        <translation>保存课程(&amp;S)</translation>
    </message>
    <message>
        <source>Save the sentences, every setting and the view as a lesson.</source>
        <translation>把句子、所有设置和视图保存为一节课程。</translation>
    </message>
    <message>
        <source>Save Lesson &amp;As…</source>
        <translation>课程另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export Image…</source>
        <translation>导出图像(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the heatmaps as PNG, SVG or PDF for notes and slides.</source>
        <translation>把热力图保存为 PNG、SVG 或 PDF，用于讲义和幻灯片。</translation>
    </message>
    <message>
        <source>Export &amp;Data…</source>
        <translation>导出数据(&amp;D)…</translation>
    </message>
    <message>
        <source>Save every number of the result as JSON, the weights as CSV or NumPy .npy.</source>
        <translation>把结果的所有数值保存为 JSON，或把权重保存为 CSV 或 NumPy .npy。</translation>
    </message>
    <message>
        <source>&amp;Import Attention…</source>
        <translation>导入注意力(&amp;I)…</translation>
    </message>
    <message>
        <source>Show attention weights saved from a trained model (.npy with a JSON list of tokens).</source>
        <translation>显示从训练好的模型中保存的注意力权重（.npy 加上 JSON 格式的词元列表）。</translation>
    </message>
    <message>
        <source>&amp;Copy Image</source>
        <translation>复制图像(&amp;C)</translation>
    </message>
    <message>
        <source>Put the heatmaps on the clipboard as a picture.</source>
        <translation>把热力图作为图片放到剪贴板。</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>清空列表(&amp;C)</translation>
    </message>
    <message>
        <source>%1[*] — Attention Lab</source>
        <translation>%1[*] — Attention Lab</translation>
    </message>
    <message>
        <source>Unsaved Changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The lesson %1 has changed. Save the changes?</source>
        <translation>课程 %1 已更改。是否保存更改？</translation>
    </message>
    <message>
        <source>Open Lesson</source>
        <translation>打开课程</translation>
    </message>
    <message>
        <source>The lesson could not be opened.

%1</source>
        <translation>无法打开该课程。

%1</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Save Lesson</source>
        <translation>保存课程</translation>
    </message>
    <message>
        <source>The lesson could not be saved to %1:
%2</source>
        <translation>无法把课程保存到 %1：
%2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Save Lesson As</source>
        <translation>课程另存为</translation>
    </message>
    <message>
        <source>Imported attention: %1, layer %2 of %3</source>
        <translation>导入的注意力：%1，第 %2 层，共 %3 层</translation>
    </message>
    <message>
        <source>There is no result to export yet.</source>
        <translation>还没有可导出的结果。</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>The heatmaps are on the clipboard.</source>
        <translation>热力图已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Copy Image</source>
        <translation>复制图像</translation>
    </message>
    <message>
        <source>Export Image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <source>Export Data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <source>All numbers (*.json);;Weights as a table (*.csv);;Weights for NumPy (*.npy)</source>
        <translation>全部数值 (*.json);;权重表格 (*.csv);;NumPy 权重 (*.npy)</translation>
    </message>
    <message>
        <source>Import Attention</source>
        <translation>导入注意力</translation>
    </message>
    <message>
        <source>The attention could not be imported.

%1</source>
        <translation>无法导入注意力。

%1</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>Imported attention from %1: %2 × %3 heads, %4 × %5 tokens.</source>
        <translation>已从 %1 导入注意力：%2 层 × %3 个头，%4 × %5 个词元。</translation>
    </message>
    <message>
        <source>%1 · layer %2 of %3 · %4 heads</source>
        <translation>%1 · 第 %2 层，共 %3 层 · %4 个头</translation>
    </message>
    <message>
        <source>Import Attention: Weights</source>
        <translation>导入注意力：权重</translation>
    </message>
    <message>
        <source>NumPy arrays [heads, n_q, n_k] or [layers, heads, n_q, n_k] (*.npy);;All files (*)</source>
        <translation>NumPy 数组 [heads, n_q, n_k] 或 [layers, heads, n_q, n_k] (*.npy);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import Attention: Tokens</source>
        <translation>导入注意力：词元</translation>
    </message>
    <message>
        <source>Token lists (*.json);;All files (*)</source>
        <translation>词元列表 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Loading word vectors from %1…</source>
        <translation>正在从 %1 加载词向量…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Open &amp;Model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Run a pretrained transformer (GPT-2, BERT, Llama, Qwen2) from a model folder on this computer, layer by layer.</source>
        <translation>从本机的模型文件夹运行预训练 Transformer（GPT-2、BERT、Llama、Qwen2），逐层查看。</translation>
    </message>
    <message>
        <source>Only results of the built-in model and of pretrained models can be exported as data.</source>
        <translation>只有内置模型和预训练模型的结果可以导出为数据。</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>A model folder holds config.json, the weights as .safetensors and the tokenizer files, as model hubs (Hugging Face, ModelScope) download them. GPT-2, BERT, Llama, Qwen2 and Mistral run here. To get one, for example: huggingface-cli download gpt2 (or bert-base-chinese, Qwen/Qwen2.5-0.5B, HuggingFaceTB/SmolLM2-135M); it then appears in this list.</source>
        <translation>模型文件夹包含 config.json、.safetensors 格式的权重和分词器文件，与模型库（Hugging Face、ModelScope）下载的一样。这里可以运行 GPT-2、BERT、Llama、Qwen2 和 Mistral。获取模型的例子：huggingface-cli download gpt2（或 bert-base-chinese、Qwen/Qwen2.5-0.5B、HuggingFaceTB/SmolLM2-135M），下载后它就会出现在这个列表里。</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>%1 (not supported here: an architecture other than GPT-2, BERT or the Llama family, or no .safetensors weights)</source>
        <translation>%1（此处不支持：架构不是 GPT-2、BERT 或 Llama 系列，或者没有 .safetensors 权重）</translation>
    </message>
    <message>
        <source>No model in the local caches (~/.cache/huggingface/hub, ~/.cache/modelscope/hub).</source>
        <translation>本地缓存（~/.cache/huggingface/hub、~/.cache/modelscope/hub）中没有模型。</translation>
    </message>
    <message>
        <source>Choose &amp;Folder…</source>
        <translation>选择文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Model Folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>What the model predicts: the next token after the last one (GPT-2, Llama), or the words for [MASK] (BERT; type [MASK] in the sentence).</source>
        <translation>模型的预测：最后一个词元之后的下一个词元（GPT-2、Llama），或 [MASK] 处的词（BERT；在句子中输入 [MASK]）。</translation>
    </message>
    <message>
        <source>&amp;Words</source>
        <translation>词(&amp;W)</translation>
    </message>
    <message>
        <source>Show words instead of the model&apos;s pieces: the weight from a query word to a key word is the mean over the query word&apos;s pieces of the sum over the key word&apos;s pieces.</source>
        <translation>显示词而不是模型的子词片段：查询词到键词的权重 = 对查询词各片段取平均，对键词各片段求和。</translation>
    </message>
    <message>
        <source>&amp;Special tokens</source>
        <translation>特殊词元(&amp;S)</translation>
    </message>
    <message>
        <source>Show the tokens the tokenizer adds ([CLS], [SEP], &lt;s&gt;). Hidden, they still take part in the run, so rows may sum to less than 1.</source>
        <translation>显示分词器添加的词元（[CLS]、[SEP]、&lt;s&gt;）。隐藏时它们仍参与计算，因此各行之和可能小于 1。</translation>
    </message>
    <message>
        <source>Reading the model in %1 …</source>
        <translation>正在读取 %1 中的模型…</translation>
    </message>
    <message>
        <source>The model could not be opened.

%1</source>
        <translation>无法打开模型。

%1</translation>
    </message>
    <message>
        <source>Model %1 (%2): %3 layers × %4 heads, d_model %5.</source>
        <translation>模型 %1（%2）：%3 层 × %4 个头，d_model %5。</translation>
    </message>
    <message>
        <source>%1 %2%</source>
        <translation>%1 %2%</translation>
    </message>
    <message>
        <source>Next token: %1</source>
        <translation>下一个词元：%1</translation>
    </message>
    <message>
        <source>[MASK] at %2: %1</source>
        <translation>第 %2 个位置的 [MASK]：%1</translation>
    </message>
    <message>
        <source>Another file is being read or written; try again when it is done.</source>
        <translation>另一个文件正在读取或写入；请在完成后重试。</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>正在写入 %1…</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written or changed.</source>
        <translation>导出已取消；没有写入或更改任何文件。</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>The import was cancelled; the window shows what it showed before.</source>
        <translation>导入已取消；窗口保持原样。</translation>
    </message>
    <message>
        <source>Lea&amp;rn</source>
        <translation>学习(&amp;R)</translation>
    </message>
    <message>
        <source>The mean and the maximum over the heads, side by side (Ctrl+3).</source>
        <translation>各头的平均和最大值，并排显示（Ctrl+3）。</translation>
    </message>
    <message>
        <source>Model %1, trained by Attention Lab on the %2 task for %3 steps: %4 layers × %5 heads, d_model %6. Type tokens of its task (for example digits separated by spaces).</source>
        <translation>模型 %1，由 Attention Lab 在“%2”任务上训练了 %3 步：%4 层 × %5 个头，d_model %6。请输入该任务的词元（例如用空格分隔的数字）。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Block 1 Cell</source>
        <translation>屏蔽 1 个格子</translation>
    </message>
    <message>
        <source>Block %1 Cells</source>
        <translation>屏蔽 %1 个格子</translation>
    </message>
    <message>
        <source>Unblock 1 Cell</source>
        <translation>解除屏蔽 1 个格子</translation>
    </message>
    <message>
        <source>Unblock %1 Cells</source>
        <translation>解除屏蔽 %1 个格子</translation>
    </message>
    <message>
        <source>Painting the mask: click or drag over cells to block them; a stroke that starts on a blocked cell unblocks. Esc stops painting.</source>
        <translation>正在绘制掩码：单击或拖过格子即可屏蔽；从已屏蔽格子开始的一笔会解除屏蔽。按 Esc 停止绘制。</translation>
    </message>
    <message>
        <source>Reset to &amp;Defaults</source>
        <translation>恢复默认设置(&amp;D)</translation>
    </message>
    <message>
        <source>Every setting back to its default; the sentences stay. Undo takes it back.</source>
        <translation>所有设置恢复默认；句子保留。可用撤销恢复。</translation>
    </message>
    <message>
        <source>Export &amp;Mask…</source>
        <translation>导出掩码(&amp;M)…</translation>
    </message>
    <message>
        <source>Save the mask in force (painted or not) as a text file of 0 and 1, for --mask custom:FILE on the command line.</source>
        <translation>把当前生效的掩码（无论是否绘制）保存为由 0 和 1 组成的文本文件，供命令行的 --mask custom:FILE 使用。</translation>
    </message>
    <message>
        <source>Every setting is at its default already.</source>
        <translation>所有设置已是默认值。</translation>
    </message>
    <message>
        <source>Reset to Defaults</source>
        <translation>恢复默认设置</translation>
    </message>
    <message>
        <source>There is no mask to export: the heatmaps show no result of the program&apos;s own attention.</source>
        <translation>没有可导出的掩码：热力图显示的不是本程序自己的注意力结果。</translation>
    </message>
    <message>
        <source>The padding mask adds [PAD] tokens, which a mask file cannot hold: choose another mask first.</source>
        <translation>填充掩码会加入 [PAD] 词元，掩码文件无法保存它们：请先选择其他掩码。</translation>
    </message>
    <message>
        <source>Saved the mask to %1</source>
        <translation>掩码已保存到 %1</translation>
    </message>
    <message>
        <source>The mask could not be saved to %1:
%2</source>
        <translation>无法把掩码保存到 %1：
%2</translation>
    </message>
    <message>
        <source>Export Mask</source>
        <translation>导出掩码</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source>Mask files (*.txt);;All files (*)</source>
        <translation>掩码文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Model: Every Layer and Head</source>
        <translation>模型(&amp;M)：所有层与头</translation>
    </message>
    <message>
        <source>Every layer × head as small maps on one colour scale: rows are layers, columns heads. Click one to see it large (Ctrl+4).</source>
        <translation>所有层 × 头以小图显示，共用一个色标：行是层，列是头。点击其中一个可放大查看（Ctrl+4）。</translation>
    </message>
    <message>
        <source>The model view shows every layer × head of a model with several layers; this result has one layer. Open a model with File → Open Model….</source>
        <translation>模型视图显示多层模型的所有层 × 头；当前结果只有一层。请用 文件 → 打开模型… 打开一个模型。</translation>
    </message>
    <message>
        <source>The lesson&apos;s model could not be opened: %1</source>
        <translation>无法打开课程所用的模型：%1</translation>
    </message>
    <message>
        <source>What If</source>
        <translation>假如</translation>
    </message>
    <message>
        <source>This model has an encoder and a decoder: the changes apply to the cross-attention the maps show. An answer it writes is the unchanged model&apos;s; the changed model reads it.</source>
        <translation>该模型有编码器和解码器：改动作用于图中显示的交叉注意力。它写出的答案来自未改动的模型；改动后的模型读取这个答案。</translation>
    </message>
    <message>
        <source>An answer this model writes is the unchanged model&apos;s; the changed model reads it.</source>
        <translation>该模型写出的答案来自未改动的模型；改动后的模型读取这个答案。</translation>
    </message>
    <message>
        <source>Open a model (File → Open Model…) to change its heads.</source>
        <translation>请先打开一个模型（文件 → 打开模型…）再改动它的头。</translation>
    </message>
    <message>
        <source>More</source>
        <translation>展开</translation>
    </message>
    <message>
        <source>Show the whole explanation of the lesson, or only its first lines.</source>
        <translation>显示课程的完整说明，或只显示前几行。</translation>
    </message>
    <message>
        <source>Less</source>
        <translation>收起</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::MaskPainter</name>
    <message>
        <source>&amp;Paint Mask</source>
        <translation>绘制掩码(&amp;P)</translation>
    </message>
    <message>
        <source>Click or drag over the cells of a heatmap to block them (a stroke that starts on a blocked cell unblocks); the mask becomes Custom. Esc stops painting (Ctrl+B).</source>
        <translation>在热力图的格子上单击或拖动即可屏蔽它们（从已屏蔽的格子开始的一笔会解除屏蔽）；掩码变为“自定义”。按 Esc 停止绘制（Ctrl+B）。</translation>
    </message>
    <message>
        <source>&amp;Stop Painting</source>
        <translation>停止绘制(&amp;S)</translation>
    </message>
    <message>
        <source>Leave the paint mode; the heatmaps select rows again (Esc).</source>
        <translation>退出绘制模式；热力图恢复为选择行（Esc）。</translation>
    </message>
    <message>
        <source>A mask can be painted on the program&apos;s own attention only: go back to the live model first.</source>
        <translation>只能在本程序自己的注意力上绘制掩码：请先回到实时模型。</translation>
    </message>
    <message>
        <source>The padding mask adds [PAD] tokens, which a painted mask cannot keep: choose another mask first.</source>
        <translation>填充掩码会加入 [PAD] 词元，绘制的掩码无法保留它们：请先选择其他掩码。</translation>
    </message>
    <message>
        <source>The heatmaps still show an earlier sentence: correct the error above first, then paint.</source>
        <translation>热力图显示的仍是之前的句子：请先改正上面的错误，再绘制。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::MatrixEditor</name>
    <message>
        <source>&amp;Worked example</source>
        <translation>计算示例(&amp;W)</translation>
    </message>
    <message>
        <source>Examples from the tutorials, with every number given.</source>
        <translation>来自教程的示例，给出了每一个数。</translation>
    </message>
    <message>
        <source>&amp;Load example</source>
        <translation>加载示例(&amp;L)</translation>
    </message>
    <message>
        <source>Replaces the sentence, the tables and the settings with the example&apos;s, so the views reproduce the tutorial&apos;s numbers.</source>
        <translation>用示例的句子、表格和设置替换当前内容，使各视图重现教程中的数值。</translation>
    </message>
    <message>
        <source>&amp;Copy numbers in use</source>
        <translation>复制当前使用的数(&amp;C)</translation>
    </message>
    <message>
        <source>Fills the tables with the embeddings and projections the workspace uses now (d_model ≤ 8), to change them by hand.</source>
        <translation>用工作区当前使用的嵌入和投影填充表格（d_model ≤ 8），以便手动修改。</translation>
    </message>
    <message>
        <source>Embeddings X (one row per token)</source>
        <translation>嵌入 X（每个词元一行）</translation>
    </message>
    <message>
        <source>&amp;Type the embeddings</source>
        <translation>手动输入嵌入(&amp;T)</translation>
    </message>
    <message>
        <source>Use the numbers of this table as the token vectors instead of the lexicon or a file.</source>
        <translation>用这张表中的数作为词元向量，而不是词表或文件中的向量。</translation>
    </message>
    <message>
        <source>&amp;Width d</source>
        <translation>维度 d(&amp;W)</translation>
    </message>
    <message>
        <source>Numbers per token vector (d_model), at most %1.</source>
        <translation>每个词元向量的数的个数（d_model），最多 %1。</translation>
    </message>
    <message>
        <source>Embeddings of the sentence</source>
        <translation>句子的嵌入</translation>
    </message>
    <message>
        <source>Embeddings of the source sentence</source>
        <translation>源句子的嵌入</translation>
    </message>
    <message>
        <source>Source sentence X_k</source>
        <translation>源句子 X_k</translation>
    </message>
    <message>
        <source>Sentence X</source>
        <translation>句子 X</translation>
    </message>
    <message>
        <source>Projections W_q, W_k, W_v (d_model × d_k)</source>
        <translation>投影 W_q、W_k、W_v（d_model × d_k）</translation>
    </message>
    <message>
        <source>Type the &amp;projections</source>
        <translation>手动输入投影(&amp;P)</translation>
    </message>
    <message>
        <source>Use the numbers of these tables as W_q, W_k and W_v instead of identity slices or random matrices.</source>
        <translation>用这些表中的数作为 W_q、W_k 和 W_v，而不是恒等切片或随机矩阵。</translation>
    </message>
    <message>
        <source>&amp;Head</source>
        <translation>头(&amp;H)</translation>
    </message>
    <message>
        <source>The head whose matrices the tables show.</source>
        <translation>表格中显示的是哪个头的矩阵。</translation>
    </message>
    <message>
        <source>W_q</source>
        <translation>W_q</translation>
    </message>
    <message>
        <source>W_k</source>
        <translation>W_k</translation>
    </message>
    <message>
        <source>W_v</source>
        <translation>W_v</translation>
    </message>
    <message>
        <source>Scoring parameters</source>
        <translation>打分参数</translation>
    </message>
    <message>
        <source>The factor s of the cosine score s·cos(q, k): cosines lie in [−1, 1], so s sets how sharp the weights can get.</source>
        <translation>余弦分数 s·cos(q, k) 中的系数 s：余弦值位于 [−1, 1]，所以 s 决定权重最多能有多尖锐。</translation>
    </message>
    <message>
        <source>Cosine scale &amp;s</source>
        <translation>余弦缩放系数 s(&amp;S)</translation>
    </message>
    <message>
        <source>d_k</source>
        <translation>d_k</translation>
    </message>
    <message>
        <source>Hidden width d_a of the additive score vᵀ·tanh(W₁q + W₂k); d_k by default.</source>
        <translation>加性分数 vᵀ·tanh(W₁q + W₂k) 的隐藏层维度 d_a；默认为 d_k。</translation>
    </message>
    <message>
        <source>Additive width d_&amp;a</source>
        <translation>加性维度 d_a(&amp;A)</translation>
    </message>
    <message>
        <source>W_a (general) and W₁, W₂, v (additive) come from the seed; the Steps page shows their numbers.</source>
        <translation>W_a（通用）以及 W₁、W₂、v（加性）由种子生成；“分步计算”页显示它们的数值。</translation>
    </message>
    <message>
        <source>Seed 001: 早上好, softmax(XXᵀ)X</source>
        <translation>种子 001：早上好，softmax(XXᵀ)X</translation>
    </message>
    <message>
        <source>Seed 003: “The cat sat”, d = 4</source>
        <translation>种子 003：“The cat sat”，d = 4</translation>
    </message>
    <message>
        <source>Three characters with two-number embeddings and no projection: the scores are XXᵀ and the output is softmax(XXᵀ)X. The first row of weights is 0.4, 0.4, 0.2: 早 gives 0.4 of its attention to itself, 0.4 to 上 and 0.2 to 好.</source>
        <translation>三个字，嵌入各含两个数，不做投影：分数是 XXᵀ，输出是 softmax(XXᵀ)X。权重的第一行是 0.4、0.4、0.2：“早”把 0.4 的注意力分配给自己，0.4 给“上”，0.2 给“好”。</translation>
    </message>
    <message>
        <source>“The cat sat” with d = 4, small whole-number matrices W_Q, W_K, W_V, scaled-dot scores (÷√4 = 2) and softmax. Open the Steps page to follow Q, K, V, the scores, the weights and the context vectors line by line.</source>
        <translation>“The cat sat”，d = 4，使用小的整数矩阵 W_Q、W_K、W_V、缩放点积分数（÷√4 = 2）和 softmax。打开“分步计算”页，逐行跟踪 Q、K、V、分数、权重和上下文向量。</translation>
    </message>
    <message>
        <source>Loaded: %1.</source>
        <translation>已加载：%1。</translation>
    </message>
    <message>
        <source>There are no numbers in use yet.</source>
        <translation>目前还没有正在使用的数。</translation>
    </message>
    <message>
        <source>The embeddings have %1 numbers per token; the tables take at most %2. Choose d_model ≤ %2 first.</source>
        <translation>嵌入中每个词元有 %1 个数；表格最多容纳 %2 个。请先选择 d_model ≤ %2。</translation>
    </message>
    <message>
        <source>Copied the numbers in use; edit any cell.</source>
        <translation>已复制当前使用的数；可以修改任意单元格。</translation>
    </message>
    <message>
        <source>Tick “Type the embeddings” to choose the width; until then the table shows the vectors in use.</source>
        <translation>勾选“手动输入嵌入”后即可选择维度；在此之前表格显示正在使用的向量。</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>Fills the tables with the embeddings and projections the workspace uses now, to change them by hand.</source>
        <translation>用工作区当前使用的嵌入和投影填充表格，以便手动修改。</translation>
    </message>
    <message>
        <source>Only for d_model ≤ %1: the tables are for numbers a class can read.</source>
        <translation>仅当 d_model ≤ %1 时可用：表格是给全班都能读懂的数准备的。</translation>
    </message>
    <message>
        <source>In use: edit a cell and every view updates.</source>
        <translation>使用中：修改单元格，所有视图都会更新。</translation>
    </message>
    <message>
        <source>Not in use: the workspace takes its vectors from the %1. Tick “Type the embeddings” or edit a cell to use these numbers.</source>
        <translation>未使用：工作区的向量来自%1。勾选“手动输入嵌入”或修改单元格即可使用这些数。</translation>
    </message>
    <message>
        <source>embeddings file</source>
        <translation>嵌入文件</translation>
    </message>
    <message>
        <source>built-in lexicon</source>
        <translation>内置词表</translation>
    </message>
    <message>
        <source>No projection tables: d_model %1 is not divisible by %2 heads, or the matrices are too large to type.</source>
        <translation>没有投影表格：d_model %1 不能被 %2 个头整除，或者矩阵太大，无法手动输入。</translation>
    </message>
    <message>
        <source>Not in use: the workspace uses %1 projections. Tick “Type the projections” or edit a cell to use these numbers.</source>
        <translation>未使用：工作区使用%1投影。勾选“手动输入投影”或修改单元格即可使用这些数。</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>identity</source>
        <translation>恒等</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::MatrixTable</name>
    <message>
        <source>Double-click a cell or start typing to change its number.</source>
        <translation>双击单元格或直接输入即可修改其中的数。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::ModelGridView</name>
    <message>
        <source>No result yet.</source>
        <translation>还没有结果。</translation>
    </message>
    <message>
        <source>Layer %1, head %2: click to see it large, with the weights of each row.</source>
        <translation>第 %1 层，头 %2：点击放大查看，并显示每一行的权重。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::PositionalView</name>
    <message>
        <source>Hover over a cell for its value.</source>
        <translation>将鼠标悬停在格子上可查看其数值。</translation>
    </message>
    <message>
        <source>PE added to X · %1 × %2</source>
        <translation>加到 X 上的位置编码 · %1 × %2</translation>
    </message>
    <message>
        <source>RoPE angles · %1 × %2 pairs</source>
        <translation>RoPE 旋转角 · %1 × %2 对</translation>
    </message>
    <message>
        <source>ALiBi bias, head %1 · %2 × %3</source>
        <translation>ALiBi 偏置，头 %1 · %2 × %3</translation>
    </message>
    <message>
        <source>Sinusoidal encoding · %1 positions × %2 dimensions</source>
        <translation>正弦位置编码 · %1 个位置 × %2 个维度</translation>
    </message>
    <message>
        <source>RoPE angles (radians) · %1 positions × %2 pairs</source>
        <translation>RoPE 旋转角（弧度）· %1 个位置 × %2 对</translation>
    </message>
    <message>
        <source>ALiBi bias of head %1 · %2 queries × %3 keys</source>
        <translation>头 %1 的 ALiBi 偏置 · %2 个查询 × %3 个键</translation>
    </message>
    <message>
        <source>No positional encoding</source>
        <translation>无位置编码</translation>
    </message>
    <message>
        <source>PE[p, 2t] = sin(p·ω_t),  PE[p, 2t+1] = cos(p·ω_t),  ω_t = 10000^(−2t/%1); added to each token&apos;s embedding before the projections</source>
        <translation>PE[p, 2t] = sin(p·ω_t)，PE[p, 2t+1] = cos(p·ω_t)，ω_t = 10000^(−2t/%1)；在投影之前加到每个词元的嵌入上</translation>
    </message>
    <message>
        <source>angle[p, t] = p·θ_t,  θ_t = 10000^(−2t/%1); pair (2t, 2t+1) of q and k at position p is turned by this angle, so q·k depends on i − j only</source>
        <translation>angle[p, t] = p·θ_t，θ_t = 10000^(−2t/%1)；位置 p 处 q 和 k 的第 (2t, 2t+1) 对分量按此角度旋转，因此 q·k 只取决于 i − j</translation>
    </message>
    <message>
        <source>bias[i, j] = −m·|i − j|,  m = %1 (head %2 of %3); added to the logits, so far keys lose weight</source>
        <translation>bias[i, j] = −m·|i − j|，m = %1（%3 个头中的第 %2 个）；加到 logits 上，因此距离远的键权重变小</translation>
    </message>
    <message>
        <source>query position i</source>
        <translation>查询位置 i</translation>
    </message>
    <message>
        <source>position p</source>
        <translation>位置 p</translation>
    </message>
    <message>
        <source>dimension c of d_model</source>
        <translation>d_model 的第 c 维</translation>
    </message>
    <message>
        <source>pair t of d_k (columns 2t, 2t+1)</source>
        <translation>d_k 的第 t 对（第 2t、2t+1 列）</translation>
    </message>
    <message>
        <source>key position j</source>
        <translation>键位置 j</translation>
    </message>
    <message>
        <source>No result yet: type a sentence.</source>
        <translation>还没有结果：请输入一个句子。</translation>
    </message>
    <message>
        <source>No positional encoding: tokens carry no position, so attention ignores word order.</source>
        <translation>无位置编码：词元不带位置信息，因此注意力不考虑词序。</translation>
    </message>
    <message>
        <source>position %1 · dimension %2: %3</source>
        <translation>位置 %1 · 维度 %2：%3</translation>
    </message>
    <message>
        <source>position %1 · pair %2: %3 rad (%4°)</source>
        <translation>位置 %1 · 第 %2 对：%3 弧度（%4°）</translation>
    </message>
    <message>
        <source>query %1 · key %2: bias %3</source>
        <translation>查询 %1 · 键 %2：偏置 %3</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::ScalingView</name>
    <message>
        <source>&amp;Keys per query</source>
        <translation>每个查询的键数(&amp;K)</translation>
    </message>
    <message>
        <source>Length of the softmax row in the experiment: each random query is scored against this many random keys.</source>
        <translation>实验中 softmax 行的长度：每个随机查询与这么多个随机键计算分数。</translation>
    </message>
    <message>
        <source>&amp;New sample</source>
        <translation>重新采样(&amp;N)</translation>
    </message>
    <message>
        <source>Draws new random queries and keys (a new seed).</source>
        <translation>抽取新的随机查询和键（新的种子）。</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;color:%1&quot;&gt;━━ q·k, not scaled&lt;/span&gt;&amp;nbsp;&amp;nbsp;&amp;nbsp;&lt;span style=&quot;color:%2&quot;&gt;━━ q·k / √d_k&lt;/span&gt;&amp;nbsp;&amp;nbsp;&amp;nbsp;&lt;span style=&quot;color:%3&quot;&gt;╌╌ reference (see each title)&lt;/span&gt;&amp;nbsp;&amp;nbsp;&amp;nbsp;&lt;span style=&quot;color:%4&quot;&gt;┊ d_k of the current head&lt;/span&gt;</source>
        <translation>&lt;span style=&quot;color:%1&quot;&gt;━━ q·k，未缩放&lt;/span&gt;&amp;nbsp;&amp;nbsp;&amp;nbsp;&lt;span style=&quot;color:%2&quot;&gt;━━ q·k / √d_k&lt;/span&gt;&amp;nbsp;&amp;nbsp;&amp;nbsp;&lt;span style=&quot;color:%3&quot;&gt;╌╌ 参考线（见各图标题）&lt;/span&gt;&amp;nbsp;&amp;nbsp;&amp;nbsp;&lt;span style=&quot;color:%4&quot;&gt;┊ 当前头的 d_k&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Variance of the score (dashed: Var = d_k)</source>
        <translation>分数的方差（虚线：Var = d_k）</translation>
    </message>
    <message>
        <source>Var</source>
        <translation>Var</translation>
    </message>
    <message>
        <source>Mean entropy of the softmax row (dashed: ln n, equal weights)</source>
        <translation>softmax 行的平均熵（虚线：ln n，权重均等）</translation>
    </message>
    <message>
        <source>entropy (nats)</source>
        <translation>熵（奈特）</translation>
    </message>
    <message>
        <source>Mean largest weight (dashed: 1/n, equal weights)</source>
        <translation>平均最大权重（虚线：1/n，权重均等）</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>raw score S</source>
        <translation>原始分数 S</translation>
    </message>
    <message>
        <source>cells</source>
        <translation>单元格数</translation>
    </message>
    <message>
        <source>The study starts when this page is shown.</source>
        <translation>显示此页时开始实验。</translation>
    </message>
    <message>
        <source>Sampling random queries and keys …</source>
        <translation>正在采样随机查询和键…</translation>
    </message>
    <message>
        <source>%1 random queries per d_k, each against %2 random keys; entries of q and k are N(0, 1). Without scaling Var(q·k) = d_k, so softmax picks one key.</source>
        <translation>每个 d_k 取 %1 个随机查询，每个查询对应 %2 个随机键；q 和 k 的元素服从 N(0, 1)。不缩放时 Var(q·k) = d_k，softmax 几乎只选中一个键。</translation>
    </message>
    <message>
        <source>Raw scores of the current head: no result yet.</source>
        <translation>当前头的原始分数：还没有结果。</translation>
    </message>
    <message>
        <source>Raw scores S of head %1 (%2, d_k = %3): %4 cells, mean %5, variance %6</source>
        <translation>第 %1 个头的原始分数 S（%2，d_k = %3）：%4 个单元格，均值 %5，方差 %6</translation>
    </message>
    <message>
        <source>Raw scores of head %1: being computed (with this many tokens a run keeps only the stages of the heads the pages show).</source>
        <translation>第 %1 个头的原始分数：正在计算（词元这么多时，一次运行只保留各页面所显示的头的中间步骤）。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::SparseMaskControls</name>
    <message>
        <source>Dilated mask: a query sees every D-th key up to W·D positions away.</source>
        <translation>空洞窗口掩码：查询能看到相距为 D 的倍数、且不超过 W·D 个位置的键。</translation>
    </message>
    <message>
        <source>&amp;Dilation D</source>
        <translation>空洞率 D(&amp;D)</translation>
    </message>
    <message>
        <source>Strided mask: a query sees the keys less than S away and every S-th key.</source>
        <translation>跨步掩码：查询能看到相距小于 S 的键，以及相距为 S 的倍数的键。</translation>
    </message>
    <message>
        <source>&amp;Stride S</source>
        <translation>步幅 S(&amp;S)</translation>
    </message>
    <message>
        <source>The first G tokens see every key and are seen by every query.</source>
        <translation>前 G 个词元能看到所有键，也能被所有查询看到。</translation>
    </message>
    <message>
        <source>&amp;Global tokens G</source>
        <translation>全局词元 G(&amp;G)</translation>
    </message>
    <message>
        <source>BigBird: R more keys per query, drawn at random from the seed.</source>
        <translation>BigBird：每个查询再多看 R 个键，这些键按种子随机抽取。</translation>
    </message>
    <message>
        <source>&amp;Random keys R</source>
        <translation>随机键 R(&amp;R)</translation>
    </message>
    <message>
        <source>Block mask: a query sees the keys of its own block of B tokens.</source>
        <translation>块对角掩码：查询能看到自己所在的、由 B 个词元组成的块中的键。</translation>
    </message>
    <message>
        <source>&amp;Block size B</source>
        <translation>块大小 B(&amp;B)</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::StepView</name>
    <message>
        <source>%1 products summed = %2</source>
        <translation>%1 个乘积之和 = %2</translation>
    </message>
    <message>
        <source>&amp;Head</source>
        <translation>头(&amp;H)</translation>
    </message>
    <message>
        <source>The head whose computation is shown stage by stage.</source>
        <translation>逐个阶段展示其计算过程的头。</translation>
    </message>
    <message>
        <source>The scoring function and the steps after it, with this result&apos;s settings filled in.</source>
        <translation>打分函数及其后的各步，代入了本结果的设置。</translation>
    </message>
    <message>
        <source>How the selected cell is computed from the stages before it.</source>
        <translation>选中的单元格如何由之前各阶段算出。</translation>
    </message>
    <message>
        <source>1 · Inputs
One row per token: its embedding (plus the positional encoding).</source>
        <translation>1 · 输入
每个词元一行：它的嵌入（加上位置编码）。</translation>
    </message>
    <message>
        <source>2 · Projections
The matrices that turn X into queries, keys and values.</source>
        <translation>2 · 投影
把 X 变成查询、键和值的矩阵。</translation>
    </message>
    <message>
        <source>3 · Queries, keys, values
Each token&apos;s row of X times W_q, W_k, W_v.</source>
        <translation>3 · 查询、键、值
每个词元在 X 中的那一行分别乘以 W_q、W_k、W_v。</translation>
    </message>
    <message>
        <source>4 · Scores
How well each query (row) matches each key (column).</source>
        <translation>4 · 分数
每个查询（行）与每个键（列）的匹配程度。</translation>
    </message>
    <message>
        <source>5 · Logits and mask
Divide by the temperature; hidden keys become −∞.</source>
        <translation>5 · logits 与掩码
除以温度；被隐藏的键变为 −∞。</translation>
    </message>
    <message>
        <source>6 · Weights and context
Normalise each row, then mix the value vectors.</source>
        <translation>6 · 权重与上下文
对每一行归一化，再对值向量加权求和。</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>v</source>
        <translation>v</translation>
    </message>
    <message>
        <source>X_q (query sentence)</source>
        <translation>X_q（查询句子）</translation>
    </message>
    <message>
        <source>X</source>
        <translation>X</translation>
    </message>
    <message>
        <source> + positional encoding</source>
        <translation> + 位置编码</translation>
    </message>
    <message>
        <source>X_k (source sentence)</source>
        <translation>X_k（源句子）</translation>
    </message>
    <message>
        <source>W_q</source>
        <translation>W_q</translation>
    </message>
    <message>
        <source>W_k</source>
        <translation>W_k</translation>
    </message>
    <message>
        <source>W_v</source>
        <translation>W_v</translation>
    </message>
    <message>
        <source>Q = X_q·W_q</source>
        <translation>Q = X_q·W_q</translation>
    </message>
    <message>
        <source>Q = X·W_q</source>
        <translation>Q = X·W_q</translation>
    </message>
    <message>
        <source>, rotated (RoPE)</source>
        <translation>，经过旋转（RoPE）</translation>
    </message>
    <message>
        <source>K = X_k·W_k</source>
        <translation>K = X_k·W_k</translation>
    </message>
    <message>
        <source>K = X·W_k</source>
        <translation>K = X·W_k</translation>
    </message>
    <message>
        <source>V = X_k·W_v</source>
        <translation>V = X_k·W_v</translation>
    </message>
    <message>
        <source>V = X·W_v</source>
        <translation>V = X·W_v</translation>
    </message>
    <message>
        <source>W_a (scoring parameter)</source>
        <translation>W_a（打分参数）</translation>
    </message>
    <message>
        <source>W₁ (scoring parameter)</source>
        <translation>W₁（打分参数）</translation>
    </message>
    <message>
        <source>W₂ (scoring parameter)</source>
        <translation>W₂（打分参数）</translation>
    </message>
    <message>
        <source>v (scoring parameter)</source>
        <translation>v（打分参数）</translation>
    </message>
    <message>
        <source>Q·Kᵀ</source>
        <translation>Q·Kᵀ</translation>
    </message>
    <message>
        <source>L = S / %1</source>
        <translation>L = S / %1</translation>
    </message>
    <message>
        <source> + ALiBi bias</source>
        <translation> + ALiBi 偏置</translation>
    </message>
    <message>
        <source>L masked (no mask: same as L)</source>
        <translation>掩码后的 L（无掩码：与 L 相同）</translation>
    </message>
    <message>
        <source>L masked (−∞ = hidden key)</source>
        <translation>掩码后的 L（−∞ = 被隐藏的键）</translation>
    </message>
    <message>
        <source>A = %1(L)</source>
        <translation>A = %1(L)</translation>
    </message>
    <message>
        <source>C = A·V</source>
        <translation>C = A·V</translation>
    </message>
    <message>
        <source>%1   %2 × %3</source>
        <translation>%1   %2 × %3</translation>
    </message>
    <message>
        <source>No result yet: type a sentence.</source>
        <translation>还没有结果：请输入一个句子。</translation>
    </message>
    <message>
        <source>L = S / T   (T = %1)</source>
        <translation>L = S / T   (T = %1)</translation>
    </message>
    <message>
        <source>L = S / T − m·|i − j|   (T = %1, ALiBi)</source>
        <translation>L = S / T − m·|i − j|   (T = %1, ALiBi)</translation>
    </message>
    <message>
        <source>%1
%2   →   mask: hidden keys −∞   →   A = %3(L) row by row   →   C = A·V</source>
        <translation>%1
%2   →   掩码：被隐藏的键为 −∞   →   逐行计算 A = %3(L)   →   C = A·V</translation>
    </message>
    <message>
        <source>q·k = %1</source>
        <translation>q·k = %1</translation>
    </message>
    <message>
        <source>query “%1” · key “%2”:  %3</source>
        <translation>查询“%1” · 键“%2”：  %3</translation>
    </message>
    <message>
        <source>C[%1, %2] = Σ_j A[%1, j] · V[j, %2] = %3</source>
        <translation>C[%1, %2] = Σ_j A[%1, j] · V[j, %2] = %3</translation>
    </message>
    <message>
        <source>%1[%2, %3] = X[%2] · W_%4[:, %3] = %5</source>
        <translation>%1[%2, %3] = X[%2] · W_%4[:, %3] = %5</translation>
    </message>
    <message>
        <source>, then rotated by RoPE → %1</source>
        <translation>，然后经 RoPE 旋转 → %1</translation>
    </message>
    <message>
        <source>%1: row %2, column %3 = %4</source>
        <translation>%1：第 %2 行，第 %3 列 = %4</translation>
    </message>
    <message>
        <source>Click a cell of any stage to see where it comes from.</source>
        <translation>点击任一阶段的单元格，查看它的来源。</translation>
    </message>
    <message>
        <source>This model keeps only its weights: there are no intermediate stages to show.</source>
        <translation>该模型只保留权重：没有可显示的中间步骤。</translation>
    </message>
    <message>
        <source>Linear attention forms no scores or logits: the weight of key j for query i is φ(q_i)·φ(k_j) divided by the row&apos;s sum, as the heatmaps show.</source>
        <translation>线性注意力不计算分数和 logits：查询 i 对键 j 的权重是 φ(q_i)·φ(k_j) 除以该行之和，如热力图所示。</translation>
    </message>
    <message>
        <source>Computing the stages of head %1: with this many tokens a run keeps only the stages of the head shown here.</source>
        <translation>正在计算第 %1 个头的各步骤：词元这么多时，一次运行只保留此处所显示的头的中间步骤。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::TeachingPanel</name>
    <message>
        <source>S&amp;teps</source>
        <translation>分步计算(&amp;T)</translation>
    </message>
    <message>
        <source>The computation of one head stage by stage, with every number.</source>
        <translation>逐个阶段展示一个头的计算过程，列出每个数。</translation>
    </message>
    <message>
        <source>&amp;Your numbers</source>
        <translation>自定义数值(&amp;Y)</translation>
    </message>
    <message>
        <source>Type X, W_q, W_k, W_v yourself, or load a worked example.</source>
        <translation>自己输入 X、W_q、W_k、W_v，或加载一个计算示例。</translation>
    </message>
    <message>
        <source>C&amp;ompare</source>
        <translation>对比(&amp;O)</translation>
    </message>
    <message>
        <source>Two settings side by side on the same sentence, and their difference.</source>
        <translation>同一句子上并排比较两种设置，以及它们的差异。</translation>
    </message>
    <message>
        <source>&amp;Why √d_k</source>
        <translation>为何除以 √d_k(&amp;W)</translation>
    </message>
    <message>
        <source>Why scores are divided by √d_k: the variance of q·k grows with d_k.</source>
        <translation>为什么分数要除以 √d_k：q·k 的方差随 d_k 增大。</translation>
    </message>
    <message>
        <source>&amp;Lines</source>
        <translation>连线图(&amp;L)</translation>
    </message>
    <message>
        <source>The weights as lines between query and key tokens, one colour per head.</source>
        <translation>把权重画成查询词元与键词元之间的连线，每个头一种颜色。</translation>
    </message>
    <message>
        <source>Comple&amp;xity</source>
        <translation>复杂度(&amp;X)</translation>
    </message>
    <message>
        <source>Time and memory of dense, tiled, sparse and linear attention against n, beside the tutorial&apos;s table.</source>
        <translation>稠密、分块、稀疏和线性注意力的时间和内存随 n 的变化，与教程中的表格并列。</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::UndoHistory</name>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>Take back the last change of the sentence, a setting, the painted mask or a typed number.</source>
        <translation>撤销对句子、某项设置、绘制的掩码或输入数字的最近一次更改。</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Make the change taken back again.</source>
        <translation>重新做出刚才撤销的更改。</translation>
    </message>
    <message>
        <source>Typing</source>
        <translation>输入文字</translation>
    </message>
    <message>
        <source>Typing in the Source</source>
        <translation>在源句中输入</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Mask Cells</source>
        <translation>掩码格子</translation>
    </message>
    <message>
        <source>Embeddings</source>
        <translation>词向量</translation>
    </message>
    <message>
        <source>Typed Number</source>
        <translation>输入的数字</translation>
    </message>
</context>
<context>
    <name>attnlab::ui::WhatIfPanel</name>
    <message>
        <source>Change one head, or every head of a layer, at inference: the maps of later layers and the predictions follow. Changes apply in order and last for this session. The Compare page shows the run without them side by side.</source>
        <translation>在推理时改动一个头或一层的所有头：后面各层的注意力图和预测随之变化。改动按顺序生效，仅在本次会话中保留。“比较”页将其与未改动的运行并排显示。</translation>
    </message>
    <message>
        <source>The layer to change (1 is the first, next to the input).</source>
        <translation>要改动的层（1 是第一层，紧挨输入）。</translation>
    </message>
    <message>
        <source>&amp;Layer</source>
        <translation>层(&amp;L)</translation>
    </message>
    <message>
        <source>One head, or every head of the layer.</source>
        <translation>一个头，或该层的所有头。</translation>
    </message>
    <message>
        <source>&amp;Head</source>
        <translation>头(&amp;H)</translation>
    </message>
    <message>
        <source>Normaliser</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Extra mask</source>
        <translation>额外掩码</translation>
    </message>
    <message>
        <source>Ablate (output zeroed)</source>
        <translation>消融（输出置零）</translation>
    </message>
    <message>
        <source>Normaliser: replaces softmax. Temperature: divides the scaled logits by T. Extra mask: hides keys on top of the model&apos;s own mask. Ablate: the head&apos;s output is zeroed; its map is still shown.</source>
        <translation>归一化：替换 softmax。温度：把缩放后的 logits 除以 T。额外掩码：在模型自身掩码之外再遮住一些键。消融：该头的输出置零，它的注意力图仍会显示。</translation>
    </message>
    <message>
        <source>&amp;Change</source>
        <translation>改动(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Value</source>
        <translation>值(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Add Change</source>
        <translation>添加改动(&amp;A)</translation>
    </message>
    <message>
        <source>Remove &amp;All</source>
        <translation>全部移除(&amp;A)</translation>
    </message>
    <message>
        <source>The changes in force, applied from top to bottom; a later change of the same head replaces an earlier one, ablations add up.</source>
        <translation>当前生效的改动，自上而下应用；同一个头的后一项改动替换前一项，消融会累加。</translation>
    </message>
    <message>
        <source>Open a model (File → Open Model…) to change its heads.</source>
        <translation>请先打开一个模型（文件 → 打开模型…）再改动它的头。</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>头 %1</translation>
    </message>
    <message>
        <source>All heads of the layer</source>
        <translation>该层所有头</translation>
    </message>
    <message>
        <source>T &gt; 0, for example 0.5 or 2</source>
        <translation>T &gt; 0，例如 0.5 或 2</translation>
    </message>
    <message>
        <source>The head&apos;s scaled logits are divided by T: below 1 sharpens its weights, above 1 flattens them.</source>
        <translation>该头缩放后的 logits 除以 T：小于 1 使权重更尖锐，大于 1 使权重更平缓。</translation>
    </message>
    <message>
        <source>causal or window:W</source>
        <translation>causal 或 window:W</translation>
    </message>
    <message>
        <source>causal: no key after the query; window:W: only keys at most W tokens away. On top of the model&apos;s own mask.</source>
        <translation>causal：查询之后的键不可见；window:W：只保留距离不超过 W 个词元的键。叠加在模型自身的掩码之上。</translation>
    </message>
    <message>
        <source>Type a temperature, a number above 0 (for example 0.5).</source>
        <translation>请输入温度，一个大于 0 的数（例如 0.5）。</translation>
    </message>
    <message>
        <source>“%1” is not a number; type a temperature above 0 (for example 0.5).</source>
        <translation>“%1”不是数字；请输入大于 0 的温度（例如 0.5）。</translation>
    </message>
    <message>
        <source>Type a mask: causal, or window:W with W ≥ 1.</source>
        <translation>请输入掩码：causal，或 W ≥ 1 的 window:W。</translation>
    </message>
    <message>
        <source>What If: %1</source>
        <translation>假如：%1</translation>
    </message>
    <message>
        <source>Remove What If: %1</source>
        <translation>移除假如：%1</translation>
    </message>
    <message>
        <source>Remove Every What If</source>
        <translation>移除所有假如</translation>
    </message>
    <message>
        <source>Remove this change</source>
        <translation>移除这项改动</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>No change: the model runs as trained.</source>
        <translation>无改动：模型按训练结果运行。</translation>
    </message>
    <message>
        <source>Layer %1, all heads</source>
        <translation>第 %1 层，所有头</translation>
    </message>
    <message>
        <source>Layer %1, head %2</source>
        <translation>第 %1 层，头 %2</translation>
    </message>
    <message>
        <source>temperature %1</source>
        <translation>温度 %1</translation>
    </message>
    <message>
        <source>mask %1</source>
        <translation>掩码 %1</translation>
    </message>
    <message>
        <source>ablated</source>
        <translation>已消融</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>Softmax</source>
        <translation>Softmax</translation>
    </message>
    <message>
        <source>exp(L) / Σ exp(L): every visible key gets a positive weight.</source>
        <translation>exp(L) / Σ exp(L)：每个可见的键都得到正的权重。</translation>
    </message>
    <message>
        <source>softmax</source>
        <translation>softmax</translation>
    </message>
    <message>
        <source>Sparsemax</source>
        <translation>Sparsemax</translation>
    </message>
    <message>
        <source>Projects the row onto the simplex, so weak keys get exactly 0.</source>
        <translation>把这一行投影到单纯形上，较弱的键恰好得到 0。</translation>
    </message>
    <message>
        <source>sparsemax</source>
        <translation>sparsemax</translation>
    </message>
    <message>
        <source>ReLU, normalised</source>
        <translation>ReLU（归一化）</translation>
    </message>
    <message>
        <source>max(L, 0) divided by its row sum; a row without a positive logit is all zero.</source>
        <translation>max(L, 0) 除以该行之和；没有正 logit 的行全为 0。</translation>
    </message>
    <message>
        <source>relu-norm</source>
        <translation>relu-norm</translation>
    </message>
    <message>
        <source>Sigmoid (rows need not sum to 1)</source>
        <translation>Sigmoid（各行之和不必为 1）</translation>
    </message>
    <message>
        <source>σ(L) for each cell on its own, without normalising the row.</source>
        <translation>对每个单元格单独求 σ(L)，不对整行归一化。</translation>
    </message>
    <message>
        <source>sigmoid</source>
        <translation>sigmoid</translation>
    </message>
    <message>
        <source>Hardmax (one-hot)</source>
        <translation>Hardmax（独热）</translation>
    </message>
    <message>
        <source>All weight on the largest logit (hard attention); ties share it.</source>
        <translation>全部权重给最大的 logit（硬注意力）；并列时平分。</translation>
    </message>
    <message>
        <source>hardmax</source>
        <translation>hardmax</translation>
    </message>
    <message>
        <source>hardmax has no gradient: moving a logit a little never changes which key is largest, so the weights do not change and nothing can be learned through them</source>
        <translation>hardmax 没有梯度：把某个 logit 稍微移动一点，最大的键不会改变，因此权重不变，无法通过它学习任何东西</translation>
    </message>
    <message>
        <source>unknown %1 &apos;%2&apos;; did you mean &apos;%3&apos;? Choose one of: %4</source>
        <translation>未知的%1“%2”；你是不是想输入“%3”？可选：%4</translation>
    </message>
    <message>
        <source>unknown %1 &apos;%2&apos;; choose one of: %3</source>
        <translation>未知的%1“%2”；可选：%3</translation>
    </message>
    <message>
        <source>scoring function</source>
        <translation>打分函数</translation>
    </message>
    <message>
        <source>normalizer</source>
        <translation>归一化函数</translation>
    </message>
    <message>
        <source>positional encoding</source>
        <translation>位置编码</translation>
    </message>
    <message>
        <source>projection</source>
        <translation>投影</translation>
    </message>
    <message>
        <source>Dot  q·k</source>
        <translation>点积  q·k</translation>
    </message>
    <message>
        <source>Score = q·k; grows with d_k, so softmax saturates for wide heads.</source>
        <translation>分数 = q·k；随 d_k 增大，因此较宽的头会使 softmax 饱和。</translation>
    </message>
    <message>
        <source>score(q, k) = q · k</source>
        <translation>score(q, k) = q · k</translation>
    </message>
    <message>
        <source>S = Q·Kᵀ</source>
        <translation>S = Q·Kᵀ</translation>
    </message>
    <message>
        <source>Scaled dot  q·k/√d_k</source>
        <translation>缩放点积  q·k/√d_k</translation>
    </message>
    <message>
        <source>Score = q·k / √d_k, the Transformer&apos;s choice, which keeps the variance of scores near 1.</source>
        <translation>分数 = q·k / √d_k，Transformer 的选择，使分数的方差保持在 1 左右。</translation>
    </message>
    <message>
        <source>score(q, k) = q · k / √d_k</source>
        <translation>score(q, k) = q · k / √d_k</translation>
    </message>
    <message>
        <source>S = Q·Kᵀ / √d_k</source>
        <translation>S = Q·Kᵀ / √d_k</translation>
    </message>
    <message>
        <source>   (d_k = %1, √d_k = %2)</source>
        <translation>   （d_k = %1，√d_k = %2）</translation>
    </message>
    <message>
        <source>General  q·W·k</source>
        <translation>一般式  q·W·k</translation>
    </message>
    <message>
        <source>Score = q·W_a·kᵀ with a learned (here identity or seeded random) matrix W_a (Luong).</source>
        <translation>分数 = q·W_a·kᵀ，W_a 是可学习的矩阵（这里为单位矩阵或按种子随机生成）（Luong）。</translation>
    </message>
    <message>
        <source>score(q, k) = q · W_a · kᵀ</source>
        <translation>score(q, k) = q · W_a · kᵀ</translation>
    </message>
    <message>
        <source>S = Q·W_a·Kᵀ</source>
        <translation>S = Q·W_a·Kᵀ</translation>
    </message>
    <message>
        <source>Additive (Bahdanau)</source>
        <translation>加性（Bahdanau）</translation>
    </message>
    <message>
        <source>Score = vᵀ·tanh(W₁q + W₂k), a small network over each pair (Bahdanau).</source>
        <translation>分数 = vᵀ·tanh(W₁q + W₂k)，作用于每一对的小网络（Bahdanau）。</translation>
    </message>
    <message>
        <source>score(q, k) = vᵀ · tanh(W₁q + W₂k)</source>
        <translation>score(q, k) = vᵀ · tanh(W₁q + W₂k)</translation>
    </message>
    <message>
        <source>S = vᵀ·tanh(W₁q + W₂k)</source>
        <translation>S = vᵀ·tanh(W₁q + W₂k)</translation>
    </message>
    <message>
        <source>   (d_a = %1)</source>
        <translation>   （d_a = %1）</translation>
    </message>
    <message>
        <source>Cosine  s·cos(q, k)</source>
        <translation>余弦  s·cos(q, k)</translation>
    </message>
    <message>
        <source>Score = s·cos(q, k) with s = 10: only the directions of q and k count.</source>
        <translation>分数 = s·cos(q, k)，s = 10：只有 q 和 k 的方向起作用。</translation>
    </message>
    <message>
        <source>score(q, k) = s · (q · k) / (‖q‖ ‖k‖)</source>
        <translation>score(q, k) = s · (q · k) / (‖q‖ ‖k‖)</translation>
    </message>
    <message>
        <source>S = s · cos(q, k)</source>
        <translation>S = s · cos(q, k)</translation>
    </message>
    <message>
        <source>   (s = %1)</source>
        <translation>   （s = %1）</translation>
    </message>
    <message>
        <source>the sentence has %1 tokens; the limit is %2</source>
        <translation>句子有 %1 个词元；上限是 %2</translation>
    </message>
    <message>
        <source>the source sentence has no tokens; type at least one word</source>
        <translation>源句子没有词元；请至少输入一个词</translation>
    </message>
    <message>
        <source>the sentence has no tokens; type at least one word</source>
        <translation>句子没有词元；请至少输入一个词</translation>
    </message>
    <message>
        <source>the manual embeddings of the source sentence have %1 rows but it has %2 tokens</source>
        <translation>源句子的手动嵌入有 %1 行，但它有 %2 个词元</translation>
    </message>
    <message>
        <source>the manual embeddings of the sentence have %1 rows but it has %2 tokens</source>
        <translation>句子的手动嵌入有 %1 行，但它有 %2 个词元</translation>
    </message>
    <message>
        <source>padding length %1 is shorter than the sentence (%2 tokens); choose at least %2</source>
        <translation>填充长度 %1 比句子（%2 个词元）短；请至少选 %2</translation>
    </message>
    <message>
        <source>manual projection: no %1 matrix for head %2</source>
        <translation>手动投影：第 %2 个头没有 %1 矩阵</translation>
    </message>
    <message>
        <source>manual projection: %1 of head %2 is %3 × %4, expected %5 × %6</source>
        <translation>手动投影：第 %2 个头的 %1 是 %3 × %4，应为 %5 × %6</translation>
    </message>
    <message>
        <source>manual projection: W_o is %1 × %2, expected %3 × %4</source>
        <translation>手动投影：W_o 是 %1 × %2，应为 %3 × %4</translation>
    </message>
    <message>
        <source>d_model (%1) is not divisible by the number of heads (%2); choose a head count that divides it or set d_k</source>
        <translation>d_model（%1）不能被头数（%2）整除；请选择能整除它的头数，或指定 d_k</translation>
    </message>
    <message>
        <source>no embeddings file is loaded</source>
        <translation>尚未加载嵌入文件</translation>
    </message>
    <message>
        <source>manual embeddings are selected but no matrix was given</source>
        <translation>选择了手动嵌入，但没有给出矩阵</translation>
    </message>
    <message>
        <source>the manual embeddings of the source sentence must have as many columns as those of the query sentence</source>
        <translation>源句子的手动嵌入必须与查询句子的列数相同</translation>
    </message>
    <message>
        <source>the manual embeddings hold a value that is not a finite number (NaN or infinity); replace it with a number</source>
        <translation>手动嵌入中有一个值不是有限数（NaN 或无穷大）；请换成一个数</translation>
    </message>
    <message>
        <source>a manual projection matrix holds a value that is not a finite number (NaN or infinity); replace it with a number</source>
        <translation>某个手动投影矩阵中有一个值不是有限数（NaN 或无穷大）；请换成一个数</translation>
    </message>
    <message>
        <source>d_model is %1, the width of the embeddings file</source>
        <translation>d_model 为 %1，即嵌入文件的宽度</translation>
    </message>
    <message>
        <source>the scores of head %1 are too large for 32-bit floats: the embeddings or projections hold values around 1e20 or more; scale them down</source>
        <translation>第 %1 个头的分数超出 32 位浮点数的范围：嵌入或投影中有约 1e20 或更大的值；请把它们缩小</translation>
    </message>
    <message>
        <source>1 token is not in the embeddings and got a hashed stand-in vector</source>
        <translation>1 个词元不在嵌入中，使用了哈希生成的替代向量</translation>
    </message>
    <message>
        <source>%1 tokens are not in the embeddings and got a hashed stand-in vector</source>
        <translation>%1 个词元不在嵌入中，使用了哈希生成的替代向量</translation>
    </message>
    <message>
        <source>%1 query rows have every key masked; their weights are all zero</source>
        <translation>%1 个查询行的所有键都被掩盖；它们的权重全为 0</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a whole number</source>
        <translation>“%1”不是整数</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is too large</source>
        <translation>“%1”太大</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a number</source>
        <translation>“%1”不是数</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a finite number</source>
        <translation>“%1”不是有限数</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is too large (at most 18446744073709551615)</source>
        <translation>“%1”太大（最大为 18446744073709551615）</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a whole number of 0 or more</source>
        <translation>“%1”不是大于或等于 0 的整数</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is neither true nor false</source>
        <translation>“%1”既不是 true 也不是 false</translation>
    </message>
    <message>
        <source>%1 must be between %2 and %3, not %4</source>
        <translation>%1 必须在 %2 到 %3 之间，而不是 %4</translation>
    </message>
    <message>
        <source>%1 must be a number from %2 to %3, not %4</source>
        <translation>%1 必须是 %2 到 %3 之间的数，而不是 %4</translation>
    </message>
    <message>
        <source>the embeddings decide d_model: their vectors&apos; width</source>
        <translation>d_model 由嵌入决定：即其向量的宽度</translation>
    </message>
    <message>
        <source>only the additive scoring function has a hidden width</source>
        <translation>只有加性打分函数有隐藏宽度</translation>
    </message>
    <message>
        <source>only the cosine scoring function has a scale</source>
        <translation>只有余弦打分函数有缩放系数</translation>
    </message>
    <message>
        <source>the padding length %1 is above the token limit %2</source>
        <translation>填充长度 %1 超过了词元上限 %2</translation>
    </message>
    <message>
        <source>the causal mask applies to self-attention only; remove the source sentence or choose another mask</source>
        <translation>因果掩码只用于自注意力；请删除源句子或选择其他掩码</translation>
    </message>
    <message>
        <source>the sentence</source>
        <translation>句子</translation>
    </message>
    <message>
        <source>Sentence</source>
        <translation>句子</translation>
    </message>
    <message>
        <source>the query sentence (UTF-8)</source>
        <translation>查询句子（UTF-8）</translation>
    </message>
    <message>
        <source>the source sentence</source>
        <translation>源句子</translation>
    </message>
    <message>
        <source>Source sentence</source>
        <translation>源句子</translation>
    </message>
    <message>
        <source>a source sentence switches to cross-attention: queries from the sentence, keys and values from the source</source>
        <translation>给出源句子即切换到交叉注意力：查询来自句子，键和值来自源句子</translation>
    </message>
    <message>
        <source>Scoring</source>
        <translation>打分</translation>
    </message>
    <message>
        <source>how a query and a key are scored</source>
        <translation>查询和键如何打分</translation>
    </message>
    <message>
        <source>Normaliser</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>turns each row of logits into weights</source>
        <translation>把每一行 logits 变成权重</translation>
    </message>
    <message>
        <source>the temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>logits are scores / T</source>
        <translation>logits 为 分数 / T</translation>
    </message>
    <message>
        <source>the number of heads</source>
        <translation>头数</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>头数</translation>
    </message>
    <message>
        <source>number of attention heads</source>
        <translation>注意力头的个数</translation>
    </message>
    <message>
        <source>d_model</source>
        <translation>d_model</translation>
    </message>
    <message>
        <source>embedding width; an embeddings file sets its own</source>
        <translation>嵌入宽度；嵌入文件会设定自己的宽度</translation>
    </message>
    <message>
        <source>d_k</source>
        <translation>d_k</translation>
    </message>
    <message>
        <source>width of each head; 0 follows d_model / heads</source>
        <translation>每个头的宽度；0 表示跟随 d_model / 头数</translation>
    </message>
    <message>
        <source>the additive width d_a</source>
        <translation>加性宽度 d_a</translation>
    </message>
    <message>
        <source>d_a</source>
        <translation>d_a</translation>
    </message>
    <message>
        <source>hidden width of the additive score; 0 follows d_k</source>
        <translation>加性分数的隐藏宽度；0 表示跟随 d_k</translation>
    </message>
    <message>
        <source>the cosine scale</source>
        <translation>余弦缩放系数</translation>
    </message>
    <message>
        <source>Cosine scale</source>
        <translation>余弦缩放</translation>
    </message>
    <message>
        <source>scale s of the cosine scoring function</source>
        <translation>余弦打分函数的缩放系数 s</translation>
    </message>
    <message>
        <source>the mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>位置编码</translation>
    </message>
    <message>
        <source>Projection</source>
        <translation>投影</translation>
    </message>
    <message>
        <source>W_q, W_k, W_v, W_o: identity slices, seeded Xavier-normal random matrices, or numbers typed in the window</source>
        <translation>W_q、W_k、W_v、W_o：恒等切片、按种子生成的 Xavier 正态随机矩阵，或在窗口中输入的数</translation>
    </message>
    <message>
        <source>the seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>seed of random projections and scoring parameters</source>
        <translation>随机投影和打分参数的种子</translation>
    </message>
    <message>
        <source>tokenizer mode</source>
        <translation>分词方式</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>how sentences are split into tokens</source>
        <translation>句子如何切分为词元</translation>
    </message>
    <message>
        <source>keep punctuation</source>
        <translation>保留标点</translation>
    </message>
    <message>
        <source>Keep punctuation</source>
        <translation>保留标点</translation>
    </message>
    <message>
        <source>punctuation marks become tokens of their own</source>
        <translation>标点符号单独成为词元</translation>
    </message>
    <message>
        <source>the token limit</source>
        <translation>词元上限</translation>
    </message>
    <message>
        <source>Token limit</source>
        <translation>词元上限</translation>
    </message>
    <message>
        <source>the most tokens a sentence may have</source>
        <translation>一个句子最多可有的词元数</translation>
    </message>
    <message>
        <source>layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>every head, one head large, or the heads combined</source>
        <translation>所有头、放大一个头，或合并各头</translation>
    </message>
    <message>
        <source>Colours</source>
        <translation>配色</translation>
    </message>
    <message>
        <source>colours of the heatmaps</source>
        <translation>热力图的配色</translation>
    </message>
    <message>
        <source>Colour scale</source>
        <translation>色阶</translation>
    </message>
    <message>
        <source>shared: 0 to 1 for every map; fitted: 0 to the largest weight shown; per-head: each map its own</source>
        <translation>shared：每张图都是 0 到 1；fitted：0 到所显示的最大权重；per-head：每张图各自的范围</translation>
    </message>
    <message>
        <source>cell values</source>
        <translation>单元格数值</translation>
    </message>
    <message>
        <source>Numbers in cells</source>
        <translation>单元格中的数值</translation>
    </message>
    <message>
        <source>numbers inside the cells (auto: up to 12 tokens)</source>
        <translation>单元格内的数值（auto：最多 12 个词元时显示）</translation>
    </message>
    <message>
        <source>the zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>size of the heatmaps</source>
        <translation>热力图的大小</translation>
    </message>
    <message>
        <source>the focused head</source>
        <translation>放大的头</translation>
    </message>
    <message>
        <source>head of the one-head layout, from 0; -1 the mean, -2 the maximum</source>
        <translation>单头布局中的头，从 0 开始；-1 为平均，-2 为最大值</translation>
    </message>
    <message>
        <source>the selected head</source>
        <translation>选中的头</translation>
    </message>
    <message>
        <source>head of the selected cell, from 0; -1 the mean, -2 the maximum</source>
        <translation>选中单元格所在的头，从 0 开始；-1 为平均，-2 为最大值</translation>
    </message>
    <message>
        <source>the selected query</source>
        <translation>选中的查询</translation>
    </message>
    <message>
        <source>selected query row, from 0; -1 none</source>
        <translation>选中的查询行，从 0 开始；-1 表示无</translation>
    </message>
    <message>
        <source>the selected key</source>
        <translation>选中的键</translation>
    </message>
    <message>
        <source>selected key column, from 0; -1 none</source>
        <translation>选中的键列，从 0 开始；-1 表示无</translation>
    </message>
    <message>
        <source>masked → 0</source>
        <translation>已掩盖 → 0</translation>
    </message>
    <message>
        <source>+ ALiBi %1 = %2</source>
        <translation>+ ALiBi %1 = %2</translation>
    </message>
    <message>
        <source>side %1 has %2 layers, so it has no layer %3</source>
        <translation>%1 侧有 %2 层，因此没有第 %3 层</translation>
    </message>
    <message>
        <source>side %1 has %2 heads, so it has no head %3; compare the mean of the heads instead</source>
        <translation>%1 侧有 %2 个头，因此没有第 %3 个头；请改为比较各头的平均</translation>
    </message>
    <message>
        <source>this model keeps no intermediate stages to show</source>
        <translation>该模型不保留可显示的中间步骤</translation>
    </message>
    <message>
        <source>there is no head %1; the result has %2</source>
        <translation>没有第 %1 个头；结果只有 %2 个</translation>
    </message>
    <message>
        <source>head %1 was computed without its intermediate stages</source>
        <translation>第 %1 个头在计算时没有保留中间步骤</translation>
    </message>
    <message>
        <source>every token of the sentence is a hidden special token; show the special tokens or type some text</source>
        <translation>句子中的所有词元都是被隐藏的特殊词元；请显示特殊词元或输入一些文字</translation>
    </message>
    <message>
        <source>the hidden special tokens still hold part of each row&apos;s weight, so rows of the maps may sum to less than 1</source>
        <translation>被隐藏的特殊词元仍占有每一行的部分权重，因此图中各行之和可能小于 1</translation>
    </message>
    <message>
        <source>the sentence has %1 tokens; %2 reads at most %3</source>
        <translation>句子有 %1 个词元；%2 最多读取 %3 个</translation>
    </message>
    <message>
        <source>the window width must be 0 or more, not %1</source>
        <translation>窗口宽度必须大于或等于 0，而不是 %1</translation>
    </message>
    <message>
        <source>the full n×n weights, every scoring function and normaliser (memory grows as n²)</source>
        <translation>完整的 n×n 权重，支持所有打分函数和归一化函数（内存随 n² 增长）</translation>
    </message>
    <message>
        <source>exact softmax attention by online softmax over blocks of keys; memory grows as n</source>
        <translation>在键的各个块上用在线 softmax 精确计算 softmax 注意力；内存随 n 增长</translation>
    </message>
    <message>
        <source>φ(Q)(φ(K)ᵀV) normalised row by row: time and memory grow as n; approximates softmax</source>
        <translation>逐行归一化的 φ(Q)(φ(K)ᵀV)：时间和内存随 n 增长；近似 softmax</translation>
    </message>
    <message>
        <source>softmax over the features of each row (the tutorial&apos;s)</source>
        <translation>对每一行的特征取 softmax（教程中的做法）</translation>
    </message>
    <message>
        <source>elu(x) + 1, always positive (Katharopoulos et al. 2020)</source>
        <translation>elu(x) + 1，始终为正（Katharopoulos 等，2020）</translation>
    </message>
    <message>
        <source>max(x, 0); a row with no positive feature gets no weights</source>
        <translation>max(x, 0)；没有正特征的行得不到权重</translation>
    </message>
    <message>
        <source>Performer FAVOR+: M seeded orthogonal random features estimating exp(q·k/√d_k)</source>
        <translation>Performer FAVOR+：用 M 个按种子生成的正交随机特征估计 exp(q·k/√d_k)</translation>
    </message>
    <message>
        <source>%1 × %2 tokens with %3 heads of width %4 (d_model %5) need about %6 of memory, more than half of this computer&apos;s %7; shorten the text, or use fewer heads or a smaller d_model or d_k</source>
        <translation>%1 × %2 个词元、%3 个宽度为 %4 的头（d_model %5）需要约 %6 内存，超过本机 %7 的一半；请缩短文本，或减少头数，或减小 d_model 或 d_k</translation>
    </message>
    <message>
        <source>linear attention weighs keys by the feature map, without scores, temperature or normaliser</source>
        <translation>线性注意力通过特征映射为键分配权重，不使用分数、温度或归一化函数</translation>
    </message>
    <message>
        <source>only linear attention has a feature map</source>
        <translation>只有线性注意力有特征映射</translation>
    </message>
    <message>
        <source>only the favor feature map of linear attention has random features</source>
        <translation>只有线性注意力的 favor 特征映射有随机特征</translation>
    </message>
    <message>
        <source>tiled attention scores by the dot product (scaled-dot or dot), not %1; choose one of them or the dense kind</source>
        <translation>分块（tiled）注意力用点积打分（scaled-dot 或 dot），不支持 %1；请选择其中之一，或选择稠密（dense）类型</translation>
    </message>
    <message>
        <source>tiled attention computes softmax by online softmax, not %1; choose softmax or the dense kind</source>
        <translation>分块（tiled）注意力用在线 softmax 归一化，不支持 %1；请选择 softmax，或选择稠密（dense）类型</translation>
    </message>
    <message>
        <source>ALiBi adds a bias to the logits, which the %1 kind does not form; choose another positional encoding or the dense kind</source>
        <translation>ALiBi 在 logits 上加偏置，而 %1 类型不计算 logits；请选择其他位置编码，或选择稠密（dense）类型</translation>
    </message>
    <message>
        <source>linear attention takes no mask but causal (by prefix sums), not %1; choose none or causal, or another kind</source>
        <translation>线性注意力只支持因果掩码（通过前缀和实现），不支持 %1；请选择 none 或 causal，或选择其他类型</translation>
    </message>
    <message>
        <source>which keys a query sees: causal j &lt;= i (self-attention only), padding:L pads the sentence with [PAD] to L tokens, window:W sees |i - j| &lt;= W; the sparse patterns dilated:W:D, strided:S, longformer:W:G, bigbird:W:G:R and block:B</source>
        <translation>查询能看到哪些键：causal 为 j &lt;= i（仅限自注意力），padding:L 用 [PAD] 把句子填充到 L 个词元，window:W 看到 |i - j| &lt;= W 的键；稀疏模式有 dilated:W:D、strided:S、longformer:W:G、bigbird:W:G:R 和 block:B</translation>
    </message>
    <message>
        <source>attention kind</source>
        <translation>注意力类型</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>dense: the full weights; tiled: the same softmax attention block by block in memory linear in n; linear: phi(Q)(phi(K)^T V), an approximation in time linear in n</source>
        <translation>dense：完整的权重；tiled：同样的 softmax 注意力，逐块计算，内存与 n 成线性关系；linear：phi(Q)(phi(K)^T V)，一种近似，时间与 n 成线性关系</translation>
    </message>
    <message>
        <source>feature map</source>
        <translation>特征映射</translation>
    </message>
    <message>
        <source>Feature map</source>
        <translation>特征映射</translation>
    </message>
    <message>
        <source>phi of linear attention: softmax over the features, elu(x) + 1, relu, or favor (Performer&apos;s M random features)</source>
        <translation>线性注意力的 phi：对特征取 softmax、elu(x) + 1、relu，或 favor（Performer 的 M 个随机特征）</translation>
    </message>
    <message>
        <source>the number of random features M</source>
        <translation>随机特征数 M</translation>
    </message>
    <message>
        <source>Features M</source>
        <translation>特征数 M</translation>
    </message>
    <message>
        <source>random features of the favor map; more features estimate softmax attention more closely</source>
        <translation>favor 映射的随机特征；特征越多，对 softmax 注意力的估计越精确</translation>
    </message>
    <message>
        <source>some tokens are not in the vocabulary the model was trained on and read as &lt;unk&gt;</source>
        <translation>部分词元不在模型训练时的词表中，被读作 &lt;unk&gt;</translation>
    </message>
    <message>
        <source>head %1, every row</source>
        <translation>头 %1，每一行</translation>
    </message>
    <message>
        <source>head %1, row %2</source>
        <translation>头 %1，行 %2</translation>
    </message>
    <message>
        <source>every head, every row</source>
        <translation>每个头、每一行</translation>
    </message>
    <message>
        <source>every head, row %1</source>
        <translation>每个头，行 %1</translation>
    </message>
    <message>
        <source>the largest weight</source>
        <translation>最大权重</translation>
    </message>
    <message>
        <source>the weight on %1</source>
        <translation>%1 上的权重</translation>
    </message>
    <message>
        <source>the entropy (nats)</source>
        <translation>熵（奈特）</translation>
    </message>
    <message>
        <source>the score with %1</source>
        <translation>与 %1 的得分</translation>
    </message>
    <message>
        <source>is on %1</source>
        <translation>落在 %1 上</translation>
    </message>
    <message>
        <source>is at least %1</source>
        <translation>至少为 %1</translation>
    </message>
    <message>
        <source>is at most %1</source>
        <translation>至多为 %1</translation>
    </message>
    <message>
        <source>is %1 ± %2</source>
        <translation>为 %1 ± %2</translation>
    </message>
    <message>
        <source>is greater than with %1</source>
        <translation>大于使用 %1 时</translation>
    </message>
    <message>
        <source>is less than with %1</source>
        <translation>小于使用 %1 时</translation>
    </message>
    <message>
        <source>is the same as with %1</source>
        <translation>与使用 %1 时相同</translation>
    </message>
    <message>
        <source>holds in at least %1 of the rows</source>
        <translation>至少在 %1 行中成立</translation>
    </message>
    <message>
        <source>there is no row %1: the result has %2 rows</source>
        <translation>没有第 %1 行：结果只有 %2 行</translation>
    </message>
    <message>
        <source>no row is the token %1</source>
        <translation>没有哪一行是词元 %1</translation>
    </message>
    <message>
        <source>the token %1 is rows %2 and %3; name the row by its position</source>
        <translation>词元 %1 是第 %2 和第 %3 行；请用位置指明行</translation>
    </message>
    <message>
        <source>there is no key %1: the result has %2 keys</source>
        <translation>没有第 %1 个键：结果只有 %2 个键</translation>
    </message>
    <message>
        <source>no key is the token %1</source>
        <translation>没有哪个键是词元 %1</translation>
    </message>
    <message>
        <source>the token %1 is keys %2 and %3; name the key by its position</source>
        <translation>词元 %1 是第 %2 和第 %3 个键；请用位置指明键</translation>
    </message>
    <message>
        <source>in cross-attention a row has no key of its own; name the key</source>
        <translation>交叉注意力中，行没有属于自己的键；请指明键</translation>
    </message>
    <message>
        <source>row %1 has no previous token</source>
        <translation>第 %1 行没有上一个词元</translation>
    </message>
    <message>
        <source>row %1 has no next token</source>
        <translation>第 %1 行没有下一个词元</translation>
    </message>
    <message>
        <source>this model keeps no scores</source>
        <translation>此模型不保留得分</translation>
    </message>
    <message>
        <source>every key is masked</source>
        <translation>所有键都被屏蔽</translation>
    </message>
    <message>
        <source>the largest weight, %1, is on %2; the next, %3, is on %4</source>
        <translation>最大权重 %1 落在 %2 上；其次 %3 落在 %4 上</translation>
    </message>
    <message>
        <source>the only weight, %1, is on %2</source>
        <translation>唯一的权重 %1 落在 %2 上</translation>
    </message>
    <message>
        <source>the largest weight, %1, is on %2; %3 has %4</source>
        <translation>最大权重 %1 落在 %2 上；%3 为 %4</translation>
    </message>
    <message>
        <source>weight %1 on the keys the mask hides</source>
        <translation>被掩码隐藏的键上的权重 %1</translation>
    </message>
    <message>
        <source>weight %1 on %2</source>
        <translation>%2 上的权重 %1</translation>
    </message>
    <message>
        <source>largest weight %1</source>
        <translation>最大权重 %1</translation>
    </message>
    <message>
        <source>largest weight %1 (on %2)</source>
        <translation>最大权重 %1（在 %2 上）</translation>
    </message>
    <message>
        <source>entropy %1 nats</source>
        <translation>熵 %1 奈特</translation>
    </message>
    <message>
        <source>score %1 with %2</source>
        <translation>与 %2 的得分 %1</translation>
    </message>
    <message>
        <source>with %1 there is no head %2</source>
        <translation>使用 %1 时没有头 %2</translation>
    </message>
    <message>
        <source>with %1 the tokens differ, so the rows cannot be compared</source>
        <translation>使用 %1 时词元不同，因此无法比较各行</translation>
    </message>
    <message>
        <source>with %1: %2</source>
        <translation>使用 %1 时：%2</translation>
    </message>
    <message>
        <source>there is no head %1: the result has %2 heads</source>
        <translation>没有头 %1：结果只有 %2 个头</translation>
    </message>
    <message>
        <source>the lesson cannot run with %1</source>
        <translation>本课无法在 %1 下运行</translation>
    </message>
    <message>
        <source>the check covers no row of this result</source>
        <translation>该检查没有覆盖此结果中的任何一行</translation>
    </message>
    <message>
        <source>every key</source>
        <translation>每个键</translation>
    </message>
    <message>
        <source>itself</source>
        <translation>自身</translation>
    </message>
    <message>
        <source>the previous token</source>
        <translation>上一个词元</translation>
    </message>
    <message>
        <source>the next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>the keys the mask hides</source>
        <translation>被掩码隐藏的键</translation>
    </message>
    <message>
        <source>layer %1, head %2, every row</source>
        <translation>第 %1 层，头 %2，所有行</translation>
    </message>
    <message>
        <source>layer %1, head %2, row %3</source>
        <translation>第 %1 层，头 %2，第 %3 行</translation>
    </message>
    <message>
        <source>layer %1, every head, every row</source>
        <translation>第 %1 层，所有头，所有行</translation>
    </message>
    <message>
        <source>layer %1, every head, row %2</source>
        <translation>第 %1 层，所有头，第 %2 行</translation>
    </message>
    <message>
        <source>there is no layer %1: the result has %2 layers</source>
        <translation>没有第 %1 层：结果只有 %2 层</translation>
    </message>
    <message>
        <source>layer %1 does not exist (the model has %2 layers, numbered from 1)</source>
        <translation>第 %1 层不存在（模型有 %2 层，从 1 开始编号）</translation>
    </message>
    <message>
        <source>head %1 does not exist (the model has %2 heads per layer, numbered from 1)</source>
        <translation>头 %1 不存在（模型每层有 %2 个头，从 1 开始编号）</translation>
    </message>
    <message>
        <source>the temperature must be a positive number (for example 0.5 to sharpen, 2 to flatten); %1 is not</source>
        <translation>温度必须是正数（例如 0.5 使权重更尖锐，2 使其更平缓）；%1 不是</translation>
    </message>
    <message>
        <source>a padding mask does not apply to a model&apos;s input; use causal or window:W</source>
        <translation>填充掩码不适用于模型的输入；请使用 causal 或 window:W</translation>
    </message>
    <message>
        <source>window:0 leaves each token only itself; use window:1 or wider</source>
        <translation>window:0 只让每个词元看到自己；请使用 window:1 或更宽的窗口</translation>
    </message>
    <message>
        <source>the log–log slope of time against n</source>
        <translation>时间对 n 的对数–对数斜率</translation>
    </message>
    <message>
        <source>the log–log slope of peak memory against n</source>
        <translation>峰值内存对 n 的对数–对数斜率</translation>
    </message>
    <message>
        <source>the log–log slope of the score cells computed against n</source>
        <translation>所算分数格数对 n 的对数–对数斜率</translation>
    </message>
    <message>
        <source>the mean row KL(exact ‖ approx), nats</source>
        <translation>各行 KL(精确 ‖ 近似) 的平均值（纳特）</translation>
    </message>
    <message>
        <source>the mean row KL(approx ‖ exact), nats</source>
        <translation>各行 KL(近似 ‖ 精确) 的平均值（纳特）</translation>
    </message>
    <message>
        <source>the share of the exact weight it drops</source>
        <translation>它丢掉的精确权重所占的比例</translation>
    </message>
    <message>
        <source>the largest output difference from exact attention</source>
        <translation>与精确注意力输出的最大差</translation>
    </message>
    <message>
        <source>fewer than two measured lengths of n ≥ %1: no slope</source>
        <translation>n ≥ %1 的已测长度少于两个：没有斜率</translation>
    </message>
    <message>
        <source>n = %1 to %2, %3 lengths</source>
        <translation>n = %1 到 %2，%3 个长度</translation>
    </message>
    <message>
        <source>slope %1</source>
        <translation>斜率 %1</translation>
    </message>
    <message>
        <source>kind %1</source>
        <translation>类型 %1</translation>
    </message>
    <message>
        <source>the kind %1 was not measured</source>
        <translation>类型 %1 没有测量</translation>
    </message>
    <message>
        <source>peak memory could not be measured on this system</source>
        <translation>此系统上无法测量峰值内存</translation>
    </message>
    <message>
        <source>no error was measured (the lab compares with exact attention only at an error length above 0)</source>
        <translation>没有测量误差（实验只在误差长度大于 0 时与精确注意力比较）</translation>
    </message>
    <message>
        <source>n = %1</source>
        <translation>n = %1</translation>
    </message>
    <message>
        <source>infinite: %1 rows give 0 to a key exact attention weighs</source>
        <translation>无穷大：有 %1 行给精确注意力有权重的键 0</translation>
    </message>
    <message>
        <source>%1 nats</source>
        <translation>%1 纳特</translation>
    </message>
    <message>
        <source>%1 of the exact weight dropped</source>
        <translation>丢掉了精确权重的 %1</translation>
    </message>
    <message>
        <source>largest difference %1</source>
        <translation>最大差 %1</translation>
    </message>
    <message>
        <source>none: AddressSanitizer&apos;s allocator keeps freed blocks resident, so the peak resident set does not show the computation&apos;s peak</source>
        <translation>无：“AddressSanitizer”的分配器会让已释放的内存块继续驻留，因此峰值常驻内存反映不了这次计算的峰值</translation>
    </message>
    <message>
        <source>peak resident set (VmHWM) above the start, after resetting it through /proc/self/clear_refs and returning free heap pages</source>
        <translation>峰值常驻内存（“VmHWM”）相对开始时的增量；开始前先通过“/proc/self/clear_refs”重置峰值，并归还空闲的堆内存页</translation>
    </message>
    <message>
        <source>cannot open the model folder &apos;%1&apos;: no such folder</source>
        <translation>无法打开模型文件夹“%1”：没有这个文件夹</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a folder: choose the folder holding config.json and the weights</source>
        <translation>“%1”不是文件夹：请选择包含 config.json 和权重的文件夹</translation>
    </message>
    <message>
        <source>&apos;%1&apos; has no config.json: choose the folder a model hub downloaded (config.json, *.safetensors, tokenizer files)</source>
        <translation>“%1”中没有 config.json：请选择从模型仓库下载的文件夹（含 config.json、*.safetensors 和分词器文件）</translation>
    </message>
    <message>
        <source>&apos;%1&apos; has no .safetensors weights, only %2: pickle weights are not read (loading them can run arbitrary code). Convert them to safetensors, for example in Python with the transformers library: AutoModel.from_pretrained(folder).save_pretrained(folder, safe_serialization=True); or download the model&apos;s model.safetensors. Supported architectures: %3</source>
        <translation>“%1”中没有 .safetensors 权重，只有 %2：本程序不读取 pickle 权重（加载它们可能执行任意代码）。请先转换为 safetensors，例如在 Python 中用 transformers 库：AutoModel.from_pretrained(folder).save_pretrained(folder, safe_serialization=True)；或者下载该模型的 model.safetensors。支持的架构：%3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; has no .safetensors weights, only %2, which the program does not read; it reads safetensors weights of these architectures: %3</source>
        <translation>“%1”中没有 .safetensors 权重，只有本程序不读取的 %2；本程序读取以下架构的 safetensors 权重：%3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; has config.json but no weights (*.safetensors)</source>
        <translation>“%1”中有 config.json，但没有权重（*.safetensors）</translation>
    </message>
    <message>
        <source>%1: the architecture &quot;%2&quot; is not supported; supported architectures: %3</source>
        <translation>%1：不支持架构“%2”；支持的架构：%3</translation>
    </message>
    <message>
        <source>%1: a model without &quot;architectures&quot; or &quot;model_type&quot; is not supported; supported architectures: %2</source>
        <translation>%1：不支持既无“architectures”也无“model_type”的模型；支持的架构：%2</translation>
    </message>
    <message>
        <source>%1: the model type &quot;%2&quot; is not supported; supported architectures: %3</source>
        <translation>%1：不支持模型类型“%2”；支持的架构：%3</translation>
    </message>
    <message>
        <source>the model folder &apos;%1&apos; has only tokenizer.model (SentencePiece), which is not supported; it needs tokenizer.json (most model hubs provide one)</source>
        <translation>模型文件夹“%1”中只有 tokenizer.model（SentencePiece），本程序不支持；需要 tokenizer.json（大多数模型仓库都提供）</translation>
    </message>
    <message>
        <source>no tokenizer in the model folder &apos;%1&apos;: expected tokenizer.json, or vocab.json with merges.txt, or vocab.txt</source>
        <translation>模型文件夹“%1”中没有分词器：需要 tokenizer.json，或 vocab.json 加 merges.txt，或 vocab.txt</translation>
    </message>
</context>
</TS>
