import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart as Bar } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([Bar, GridComponent, TooltipComponent, CanvasRenderer]);

export function BarChart({
  labels,
  values,
  height = 280,
}: {
  labels: string[];
  values: number[];
  height?: number;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current);
    chart.setOption({
      grid: { left: 40, right: 16, top: 16, bottom: 60 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels, axisLabel: { rotate: 35, interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: values, itemStyle: { color: '#0f7b6c' }, barMaxWidth: 28 }],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [labels, values]);
  return <div ref={el} style={{ width: '100%', height }} />;
}
